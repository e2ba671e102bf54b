#include "tests/reconciler/world_webhooks.hpp"

namespace tributary::testing {

// Pushes, stars, releases, teams and their members: none built yet.
std::vector<delivery> history_deliveries(const github_world&) { return {}; }

}  // namespace tributary::testing
