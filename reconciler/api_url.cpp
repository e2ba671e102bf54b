#include "reconciler/api_url.hpp"

#include <charconv>

namespace tributary::reconciler {
namespace {

constexpr std::string_view https_scheme = "https://";
constexpr std::string_view http_scheme = "http://";

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const auto c = text[i] >= 'A' && text[i] <= 'Z' ? char(text[i] - 'A' + 'a') : text[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string api_endpoint::host_header() const {
  const auto name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if ((tls && port == 443) || (!tls && port == 80)) return name;
  return name + ":" + std::to_string(port);
}

std::string api_endpoint::url_of(std::string_view path) const {
  return (tls ? "https://" : "http://") + host_header() + base_path + std::string(path);
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  return host.starts_with("127.") && host.find_first_not_of("0123456789.") == std::string_view::npos;
}

api_endpoint parse_api_url(std::string_view url) {
  api_endpoint endpoint;
  if (starts_with_ignoring_case(url, https_scheme)) {
    url.remove_prefix(https_scheme.size());
  } else if (starts_with_ignoring_case(url, http_scheme)) {
    endpoint.tls = false;
    endpoint.port = 80;
    url.remove_prefix(http_scheme.size());
  } else {
    throw api_url_error("GITHUB_API_URL must start with https://");
  }
  const auto slash = url.find('/');
  auto authority = url.substr(0, slash);
  auto path = slash == std::string_view::npos ? std::string_view{} : url.substr(slash);
  if (authority.find('@') != std::string_view::npos)
    throw api_url_error("GITHUB_API_URL must not carry credentials");
  if (path.find_first_of("?#") != std::string_view::npos || authority.find_first_of("?#") != std::string_view::npos)
    throw api_url_error("GITHUB_API_URL must not have a query or fragment");
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw api_url_error("GITHUB_API_URL: unclosed [ in the host");
    endpoint.host = std::string(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') throw api_url_error("GITHUB_API_URL: text after the host");
      port_text = rest.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (endpoint.host.empty()) throw api_url_error("GITHUB_API_URL has no host");
  for (auto& c : endpoint.host)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535)
      throw api_url_error("GITHUB_API_URL has an invalid port");
    endpoint.port = static_cast<std::uint16_t>(value);
  }
  if (!endpoint.tls && !is_loopback_host(endpoint.host))
    throw api_url_error("GITHUB_API_URL: http:// is allowed only for a loopback host (tests); use https://");
  endpoint.base_path = std::string(path);
  return endpoint;
}

std::string request_target(const api_endpoint& endpoint, std::string_view link) {
  if (!link.empty() && link.front() == '/') return endpoint.base_path + std::string(link);
  const auto origin = endpoint.url_of("");
  const auto authority = origin.substr(0, origin.size() - endpoint.base_path.size());
  if (!starts_with_ignoring_case(link, authority) || link.size() == authority.size() ||
      link[authority.size()] != '/')
    throw api_url_error("a link points outside GITHUB_API_URL");
  return std::string(link.substr(authority.size()));
}

}  // namespace tributary::reconciler
