#include "reconciler/api_response.hpp"

namespace tributary::reconciler {

std::optional<std::string_view> find_header(const header_map& headers, std::string_view name) {
  const auto found = headers.find(name);
  if (found == headers.end()) return std::nullopt;
  return std::string_view(found->second);
}

}  // namespace tributary::reconciler
