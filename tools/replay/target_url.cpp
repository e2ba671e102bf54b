#include "tools/replay/target_url.hpp"

namespace tributary::replay {

target_url parse_target_url(std::string_view url) {
  target_url result;
  if (url.starts_with("https://")) {
    result.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    throw std::invalid_argument("the URL must start with http:// or https://");
  }
  const auto slash = url.find('/');
  auto authority = url.substr(0, slash);
  result.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (authority.empty()) throw std::invalid_argument("the URL has no host");
  // [v6]:port, host:port or host.
  std::size_t colon = std::string_view::npos;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw std::invalid_argument("unterminated [ in the URL");
    result.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw std::invalid_argument("junk after ] in the URL");
      colon = close + 1;
    }
  } else {
    colon = authority.rfind(':');
    result.host = std::string(authority.substr(0, colon));
  }
  result.port = colon == std::string_view::npos ? (result.tls ? "443" : "80")
                                                : std::string(authority.substr(colon + 1));
  if (result.host.empty() || result.port.empty() ||
      result.port.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("the URL needs host and a numeric port");
  return result;
}

}  // namespace tributary::replay
