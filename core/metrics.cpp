#include "core/metrics.hpp"

#include "core/log.hpp"
#include "core/settings.hpp"

#include <prometheus/text_serializer.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <mutex>
#include <thread>

namespace tributary::core {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::ip::tcp;

namespace {

constexpr auto k_request_timeout = std::chrono::seconds(10);
constexpr auto k_answer_timeout = std::chrono::seconds(10);
constexpr std::uint32_t k_header_limit = 8 * 1024;
constexpr int k_max_connections = 32;

tcp::endpoint endpoint_of(const listen_address& address) {
  beast::error_code ec;
  const auto ip = net::ip::make_address(address.host, ec);
  if (!ec) return {ip, address.port};
  // A host name ("localhost"): its first address.
  net::io_context io;
  tcp::resolver resolver(io);
  const auto found = resolver.resolve(address.host, std::to_string(address.port), ec);
  if (ec || found.empty())
    throw settings_error("METRICS_LISTEN: cannot resolve '" + address.host + "'");
  return *found.begin();
}

}  // namespace

/// The io_context, its thread, the acceptor and the readiness callback. Sessions are coroutines
/// on the one thread; they refer to this object, which outlives them (the io_context is stopped,
/// its thread joined and its handlers destroyed before the members they use).
class metrics_server::http_server {
 public:
  http_server(const tcp::endpoint& endpoint, std::shared_ptr<prometheus::Registry> registry)
      : registry_(std::move(registry)), acceptor_(io_) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    net::co_spawn(io_, accept_loop(), net::detached);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~http_server() {
    io_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return port_; }

  void set_readiness(std::function<bool()> ready) {
    const std::lock_guard lock(readiness_mutex_);
    readiness_ = std::move(ready);
  }

 private:
  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(net::as_tuple(net::use_awaitable));
      if (ec == net::error::operation_aborted) co_return;
      if (ec) {
        // Out of descriptors, say: wait a little rather than spin on the error.
        const auto reason = ec.message();
        log_.warning("metrics accept failed", {{"reason", reason}});
        net::steady_timer pause(io_, std::chrono::milliseconds(100));
        co_await pause.async_wait(net::as_tuple(net::use_awaitable));
        continue;
      }
      if (connections_ >= k_max_connections) continue;  // closed as it goes out of scope
      net::co_spawn(io_, serve(std::move(socket)), net::detached);
    }
  }

  net::awaitable<void> serve(tcp::socket socket) {
    ++connections_;
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::empty_body> parser;
      parser.header_limit(k_header_limit);
      stream.expires_after(k_request_timeout);
      auto [read_error, read] =
          co_await http::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
      if (read_error) break;  // the client left, was too slow, or sent a body or huge headers
      const auto request = parser.release();
      auto response = answer(request);
      stream.expires_after(k_answer_timeout);
      auto [write_error, written] =
          co_await http::async_write(stream, response, net::as_tuple(net::use_awaitable));
      if (write_error || !response.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    --connections_;
  }

  http::response<http::string_body> answer(const http::request<http::empty_body>& request) {
    http::response<http::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    const auto path = request.target();
    if (request.method() != http::verb::get) {
      response.result(http::status::method_not_allowed);
      response.set(http::field::allow, "GET");
      response.body() = "method not allowed\n";
    } else if (path == "/metrics") {
      response.result(http::status::ok);
      response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response.body() = prometheus::TextSerializer().Serialize(registry_->Collect());
    } else if (path == "/healthz") {
      response.result(http::status::ok);
      response.body() = "ok\n";
    } else if (path == "/readyz") {
      const bool is_ready = ready();
      response.result(is_ready ? http::status::ok : http::status::service_unavailable);
      response.body() = is_ready ? "ready\n" : "not ready\n";
    } else {
      response.result(http::status::not_found);
      response.body() = "not found\n";
    }
    response.prepare_payload();
    return response;
  }

  bool ready() {
    const std::lock_guard lock(readiness_mutex_);
    return !readiness_ || readiness_();
  }

  std::shared_ptr<prometheus::Registry> registry_;
  std::mutex readiness_mutex_;
  std::function<bool()> readiness_;
  logger log_{"metrics"};
  int connections_ = 0;  // on the server's thread only
  std::uint16_t port_ = 0;
  net::io_context io_{1};
  tcp::acceptor acceptor_;
  std::thread thread_;
};

metrics_server::metrics_server(const std::string& listen_address)
    : registry_(std::make_shared<prometheus::Registry>()) {
  const auto address = parse_listen_address(listen_address);
  const auto endpoint = endpoint_of(address);
  try {
    server_ = std::make_unique<http_server>(endpoint, registry_);
  } catch (const boost::system::system_error& error) {
    throw settings_error("METRICS_LISTEN: cannot listen on " + listen_address + ": " +
                         error.code().message());
  }
}

metrics_server::~metrics_server() = default;

std::uint16_t metrics_server::port() const { return server_->port(); }

void metrics_server::set_readiness(std::function<bool()> ready) {
  server_->set_readiness(std::move(ready));
}

}  // namespace tributary::core
