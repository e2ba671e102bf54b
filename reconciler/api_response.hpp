#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::reconciler {

/// Response headers with lower-case names (HTTP names are case-insensitive; GitHub sends
/// `x-ratelimit-remaining`, a proxy may send `X-RateLimit-Remaining`). A repeated name keeps its
/// last value.
using header_map = std::map<std::string, std::string, std::less<>>;

/// The value of `name` (lower case) in `headers`, if present.
std::optional<std::string_view> find_header(const header_map& headers, std::string_view name);

/// One answer of the REST API as the client hands it to callers.
struct api_response {
  unsigned status = 0;
  header_map headers;
  std::string body;           // empty for a 304
  bool not_modified = false;  // a 304 to a conditional request: free of rate limit
  std::optional<std::string> next_link;  // rel="next" of the Link header (or remembered, on a 304)
};

}  // namespace tributary::reconciler
