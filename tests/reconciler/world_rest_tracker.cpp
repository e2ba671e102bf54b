#include "tests/reconciler/world_rest.hpp"

namespace tributary::testing {

// Pull requests with their reviews, and issues: not served yet.
std::optional<fake_resource> find_tracker_resource(const github_world&, const world_repository*,
                                                   const std::vector<std::string_view>&,
                                                   const query_parameters&, std::string_view) {
  return std::nullopt;
}

}  // namespace tributary::testing
