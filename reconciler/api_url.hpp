#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tributary::reconciler {

/// Where the REST API lives, from GITHUB_API_URL: `https://api.github.com`, a GitHub Enterprise
/// Server's `https://ghe.example.com/api/v3`, or a local fake `http://127.0.0.1:8080`.
struct api_endpoint {
  bool tls = true;
  std::string host;       // lower case, without brackets for IPv6
  std::uint16_t port = 443;
  std::string base_path;  // "" or "/api/v3": prefixed to every request path, no trailing '/'

  /// "host" or "host:port" as the Host header wants it (the port only when not the default).
  std::string host_header() const;
  /// The absolute URL of an API path ("/orgs/x" → "https://api.github.com/orgs/x").
  std::string url_of(std::string_view path) const;
};

/// GITHUB_API_URL, or a link, is not usable: `what()` is one line naming the problem.
struct api_url_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// Parses `url`. `https://` always; `http://` only for a loopback host (localhost, 127.0.0.0/8,
/// ::1), so that a token is never sent in clear over a network by a typo: tests and local fakes
/// only. Throws api_url_error. Pure.
api_endpoint parse_api_url(std::string_view url);

/// True for "localhost", 127.x.y.z and ::1.
bool is_loopback_host(std::string_view host);

/// The request target for `link` on `endpoint`: an absolute URL (a Link header's) must name the
/// same scheme, host and port, else api_url_error (a token is never sent to another host); a path
/// ("/orgs/x") is prefixed with the base path. Pure.
std::string request_target(const api_endpoint& endpoint, std::string_view link);

}  // namespace tributary::reconciler
