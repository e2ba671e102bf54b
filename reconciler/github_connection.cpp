#include "reconciler/github_connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace tributary::reconciler {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

ssl::context make_client_tls(const std::string& ca_file) {
  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.set_verify_mode(ssl::verify_peer);
  context.set_default_verify_paths();
  if (!ca_file.empty()) {
    boost::system::error_code ec;
    context.load_verify_file(ca_file, ec);
    if (ec) throw transport_error("cannot load GITHUB_CA_FILE " + ca_file, true);
  }
  return context;
}

// Errors that mean "the server closed the kept-alive connection before reading this request".
bool closed_by_server(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

struct step_failed {
  const char* step;
  boost::system::error_code ec;
};

template <class Stream>
asio::awaitable<http::response<http::string_body>> round_trip(
    Stream& stream, beast::flat_buffer& buffer, http::request<http::string_body>& request,
    const connection_options& options) {
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(options.timeout);
  auto [write_ec, written] = co_await http::async_write(
      stream, request, asio::experimental::as_tuple(asio::use_awaitable));
  (void)written;
  if (write_ec) throw step_failed{"write", write_ec};
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.body_limit);
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  // An answer to HEAD or a 304 has no body; the parser knows it from the status.
  lowest.expires_after(options.timeout);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser,
                                                   asio::experimental::as_tuple(asio::use_awaitable));
  (void)read;
  if (read_ec) throw step_failed{"read", read_ec};
  lowest.expires_never();
  co_return parser.release();
}

}  // namespace

struct github_connection::attempt_result {
  std::optional<http::response<http::string_body>> response;
  std::optional<step_failed> failure;
  bool reused = false;
};

github_connection::github_connection(api_endpoint endpoint, connection_options options)
    : endpoint_(std::move(endpoint)),
      options_(std::move(options)),
      tls_(make_client_tls(options_.ca_file)) {}

github_connection::~github_connection() = default;

void github_connection::close() {
  boost::system::error_code ignored;
  if (secure_) beast::get_lowest_layer(*secure_).socket().close(ignored);
  if (plain_) plain_->socket().close(ignored);
  secure_.reset();
  plain_.reset();
  buffer_.clear();
}

github_connection::attempt_result github_connection::attempt(http::request<http::string_body>& request) {
  attempt_result result;
  result.reused = plain_.has_value() || secure_.has_value();
  auto flow = [this, &request, &result]() -> asio::awaitable<void> {
    try {
      if (!plain_ && !secure_) {
        tcp::resolver resolver(io_);
        auto endpoints = co_await resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                                                         asio::use_awaitable);
        beast::tcp_stream stream(io_);
        stream.expires_after(options_.timeout);
        auto [connect_ec, connected] =
            co_await stream.async_connect(endpoints, asio::experimental::as_tuple(asio::use_awaitable));
        (void)connected;
        if (connect_ec) throw step_failed{"connect", connect_ec};
        ++connections_opened_;
        if (endpoint_.tls) {
          secure_.emplace(std::move(stream), tls_);
          // SNI, and the name the certificate must carry: both always set, never optional.
          if (!SSL_set_tlsext_host_name(secure_->native_handle(), endpoint_.host.c_str()))
            throw step_failed{"tls", boost::system::error_code(static_cast<int>(::ERR_get_error()),
                                                               asio::error::get_ssl_category())};
          secure_->set_verify_mode(ssl::verify_peer);
          secure_->set_verify_callback(ssl::host_name_verification(endpoint_.host));
          beast::get_lowest_layer(*secure_).expires_after(options_.timeout);
          auto [handshake_ec] = co_await secure_->async_handshake(
              ssl::stream_base::client, asio::experimental::as_tuple(asio::use_awaitable));
          if (handshake_ec) throw step_failed{"tls", handshake_ec};
        } else {
          plain_.emplace(std::move(stream));
        }
      }
      if (secure_)
        result.response = co_await round_trip(*secure_, buffer_, request, options_);
      else
        result.response = co_await round_trip(*plain_, buffer_, request, options_);
    } catch (const step_failed& failure) {
      result.failure = failure;
    } catch (const boost::system::system_error& error) {
      result.failure = step_failed{"resolve", error.code()};
    }
  };
  std::exception_ptr unexpected;
  io_.restart();
  asio::co_spawn(io_, flow(), [&unexpected](std::exception_ptr error) { unexpected = error; });
  io_.run();
  if (unexpected) std::rethrow_exception(unexpected);
  return result;
}

http::response<http::string_body> github_connection::exchange(http::request<http::string_body>& request) {
  request.set(http::field::host, endpoint_.host_header());
  request.keep_alive(true);
  request.prepare_payload();
  for (int round = 0;; ++round) {
    auto result = attempt(request);
    if (result.response) {
      if (!result.response->keep_alive()) close();
      return std::move(*result.response);
    }
    close();
    const auto& failure = *result.failure;
    if (result.reused && round == 0 && closed_by_server(failure.ec)) continue;
    const bool tls_refused = std::string_view(failure.step) == "tls";
    throw transport_error(std::string("GitHub API ") + failure.step + " to " + endpoint_.host_header() +
                              " failed: " + failure.ec.message(),
                          tls_refused);
  }
}

}  // namespace tributary::reconciler
