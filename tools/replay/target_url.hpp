#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace tributary::replay {

/// Where to send: http://host[:port]/path or https://host[:port]/path.
struct target_url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query, at least "/"
};

/// Parses `url`; throws std::invalid_argument naming what is wrong.
target_url parse_target_url(std::string_view url);

}  // namespace tributary::replay
