#pragma once

#include "tests/reconciler/github_world.hpp"
#include "tests/workers/lifecycle.hpp"

#include <vector>

namespace tributary::testing {

/// Every webhook GitHub would have delivered to an organisation hook of `world` over its whole
/// history, oldest first (received_at = the change's time, plus a few seconds), each with its own
/// delivery id. Payloads are GitHub's examples (@octokit/webhooks-examples, through example_book)
/// with the world's fields set, and every `repository` is the repository as it was at that moment
/// (make_repository). A database folding all of them holds what GitHub's REST API reports now,
/// line counts aside (push webhooks never carry them).
std::vector<delivery> world_deliveries(const github_world& world);

/// The parts of world_deliveries, one file each, each in no particular order:
/// pull requests, reviews and issues (world_webhooks_tracker.cpp); pushes, stars, releases, teams
/// and their members (world_webhooks_history.cpp).
std::vector<delivery> tracker_deliveries(const github_world& world);
std::vector<delivery> history_deliveries(const github_world& world);

}  // namespace tributary::testing
