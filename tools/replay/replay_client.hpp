#pragma once

#include "tools/replay/target_url.hpp"
#include "tools/replay/webhook_request.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace tributary::replay {

/// The answer to one request, or why there was none.
struct send_result {
  unsigned status = 0;  // 0: no answer (see error)
  std::string body;
  std::string retry_after;  // the Retry-After header, when given
  std::chrono::nanoseconds latency{};
  std::string error;
};

struct client_options {
  unsigned concurrency = 4;
  bool verify_peer = true;  // false: accept any certificate (--insecure, for self-signed dev certs)
  std::string ca_file;      // PEM certificates to trust besides the system's (a test's own CA)
  std::chrono::milliseconds timeout{30'000};  // for each request, connecting included
  /// Called (on the client's thread) after each answer, e.g. to start a fault halfway through.
  std::function<void(std::size_t index, const send_result&)> on_result;
};

/// Sends `requests` to `url` over `options.concurrency` keep-alive connections (HTTP/1.1, TLS
/// with SNI and host name verification for https), each request once, and returns the results in
/// the requests' order. A connection the server closes is reopened for the next request. Blocks
/// the calling thread, which runs the client's io_context.
std::vector<send_result> send_requests(const target_url& url,
                                       const std::vector<webhook_request>& requests,
                                       const client_options& options);

}  // namespace tributary::replay
