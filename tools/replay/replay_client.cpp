#include "tools/replay/replay_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <memory>

namespace tributary::replay {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;

namespace {

using clock = std::chrono::steady_clock;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

/// What every worker coroutine of one send_requests call shares (one thread runs them all).
struct client_state {
  const target_url& url;
  const std::vector<webhook_request>& requests;
  const client_options& options;
  ssl::context& tls;
  net::ip::tcp::resolver::results_type endpoints;
  std::vector<send_result> results;
  std::size_t next = 0;
};

template <class Stream>
net::awaitable<std::unique_ptr<Stream>> connect(client_state& state) {
  auto executor = co_await net::this_coro::executor;
  std::unique_ptr<Stream> stream;
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    stream = std::make_unique<Stream>(executor, state.tls);
    // SNI, and the certificate must name the host we asked for.
    if (!SSL_set_tlsext_host_name(stream->native_handle(), state.url.host.c_str()))
      throw beast::system_error(beast::error_code(static_cast<int>(::ERR_get_error()),
                                                  net::error::get_ssl_category()));
    if (state.options.verify_peer) stream->set_verify_callback(ssl::host_name_verification(state.url.host));
  } else {
    stream = std::make_unique<Stream>(executor);
  }
  beast::get_lowest_layer(*stream).expires_after(state.options.timeout);
  co_await beast::get_lowest_layer(*stream).async_connect(state.endpoints, net::use_awaitable);
  if constexpr (std::is_same_v<Stream, tls_stream>)
    co_await stream->async_handshake(ssl::stream_base::client, net::use_awaitable);
  co_return stream;
}

bool closed_by_peer(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

template <class Stream>
net::awaitable<void> worker(client_state& state) {
  std::unique_ptr<Stream> stream;
  beast::flat_buffer buffer;
  while (state.next < state.requests.size()) {
    const auto index = state.next++;
    const auto started = clock::now();
    send_result result;
    bool reused = stream != nullptr;
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        if (!stream) {
          buffer.clear();
          stream = co_await connect<Stream>(state);
        }
        beast::get_lowest_layer(*stream).expires_after(state.options.timeout);
        co_await http::async_write(*stream, state.requests[index], net::use_awaitable);
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        co_await http::async_read(*stream, buffer, parser, net::use_awaitable);
        auto response = parser.release();
        result.status = response.result_int();
        result.body = std::move(response.body());
        if (auto it = response.find(http::field::retry_after); it != response.end())
          result.retry_after = std::string(it->value());
        if (!response.keep_alive()) stream.reset();
        break;
      } catch (const beast::system_error& error) {
        stream.reset();
        // A kept-alive connection that the server closed while idle never saw the request:
        // send it once more on a new connection.
        if (reused && attempt == 0 && closed_by_peer(error.code())) {
          reused = false;
          continue;
        }
        result.error = error.code().message();
        break;
      }
    }
    result.latency = clock::now() - started;
    state.results[index] = result;
    if (state.options.on_result) state.options.on_result(index, state.results[index]);
  }
}

}  // namespace

std::vector<send_result> send_requests(const target_url& url,
                                       const std::vector<webhook_request>& requests,
                                       const client_options& options) {
  net::io_context io;
  ssl::context tls(ssl::context::tls_client);
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (options.verify_peer) {
    tls.set_default_verify_paths();
    if (!options.ca_file.empty()) tls.load_verify_file(options.ca_file);
    tls.set_verify_mode(ssl::verify_peer);
  } else {
    tls.set_verify_mode(ssl::verify_none);
  }
  net::ip::tcp::resolver resolver(io);
  client_state state{url, requests, options, tls, resolver.resolve(url.host, url.port), {}, 0};
  state.results.resize(requests.size());
  const auto workers = std::max(1u, options.concurrency);
  for (unsigned i = 0; i < workers; ++i) {
    if (url.tls)
      net::co_spawn(io, worker<tls_stream>(state), net::detached);
    else
      net::co_spawn(io, worker<beast::tcp_stream>(state), net::detached);
  }
  io.run();
  return state.results;
}

}  // namespace tributary::replay
