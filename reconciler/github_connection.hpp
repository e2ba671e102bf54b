#pragma once

#include "reconciler/api_url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace tributary::reconciler {

namespace http = boost::beast::http;

/// The connection failed, timed out, or the server's certificate did not verify. Retrying later
/// may help, except for a certificate that does not verify (`tls_refused`).
struct transport_error : std::runtime_error {
  transport_error(const std::string& what, bool tls_refused)
      : std::runtime_error(what), tls_refused(tls_refused) {}
  bool tls_refused = false;
};

/// How the connection checks the server. There is deliberately no switch to turn verification
/// off: an endpoint with https:// is always verified (chain against the system store plus
/// `ca_file`, and the host name, with SNI), and plain http:// is only accepted by parse_api_url
/// for a loopback host.
struct connection_options {
  std::string ca_file;                  // extra trusted certificates (PEM), may be empty
  std::chrono::milliseconds timeout{30000};  // each of resolve+connect, handshake, write, read
  std::size_t body_limit = 64 * 1024 * 1024;
  std::size_t header_limit = 64 * 1024;
};

/// One HTTP/1.1 keep-alive connection to the API host, opened on first use, reused for every
/// request, and reopened when the server has closed it. Synchronous to its caller (it runs its own
/// io_context for each exchange, so that every step has a deadline). One thread at a time.
class github_connection {
 public:
  github_connection(api_endpoint endpoint, connection_options options);
  ~github_connection();
  github_connection(const github_connection&) = delete;
  github_connection& operator=(const github_connection&) = delete;

  /// Sends `request` (its Host header is set here) and reads the answer. A reused connection that
  /// the server closed meanwhile is reopened once and the request sent again. Throws
  /// transport_error.
  http::response<http::string_body> exchange(http::request<http::string_body>& request);

  /// How many TCP connections were opened so far (keep-alive shows as 1).
  std::size_t connections_opened() const { return connections_opened_; }

  const api_endpoint& endpoint() const { return endpoint_; }

 private:
  struct attempt_result;
  attempt_result attempt(http::request<http::string_body>& request);
  void close();

  api_endpoint endpoint_;
  connection_options options_;
  boost::asio::io_context io_;
  boost::asio::ssl::context tls_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::asio::ssl::stream<boost::beast::tcp_stream>> secure_;
  boost::beast::flat_buffer buffer_;
  std::size_t connections_opened_ = 0;
};

}  // namespace tributary::reconciler
