#pragma once

#include "core/log.hpp"
#include "reconciler/bookkeeping.hpp"
#include "reconciler/github_client.hpp"
#include "reconciler/reconcile_settings.hpp"
#include "reconciler/reconciler_metrics.hpp"
#include "reconciler/synthetic_event.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <vector>

namespace tributary::reconciler {

/// What a pass works with: all borrowed for its length, one thread.
struct run_environment {
  const github_config& github;
  const run_config& config;
  pqxx::connection& database;
  event_publisher& publisher;
  reconciler_metrics* metrics = nullptr;  // none in some tests
  const std::atomic<bool>& stopping;      // SIGTERM: the pass stops before its next request
  const core::logger& log;
  client_hooks hooks;                     // the clock and jitter (tests); validators and budget are set per target
};

/// One pass over every target (RECONCILE_TARGETS, then github.reconcile_targets): for each, the
/// advisory lock (a target another reconciler holds is skipped, and the row says so), a
/// github.reconcile_runs row, repository metadata, then commit line counts, then a failed-delivery
/// sweep of each RECONCILE_HOOKS hook belonging to it (hook_owner); then a row of its own for each
/// other hook (target = the hook entry). Each sweep holds the hook's own advisory lock. All
/// targets and hooks together spend at most RECONCILE_RATE_LIMIT_SHARE of the remaining rate limit
/// first seen in the pass, and RECONCILE_REQUEST_BUDGET. Returns one record per row.
std::vector<run_record> run_pass(run_environment& environment);

/// Whether a pass went well enough for `--once` to exit 0: no target failed or was not found
/// (a spent budget, a stop and a target another reconciler held are normal).
bool pass_succeeded(const std::vector<run_record>& records);

/// Checks with GitHub that `target` exists and the credentials see it (GET /orgs/{org} or
/// GET /repos/{owner}/{repo}); throws api_error (404 for neither) or transport_error.
void check_target_visible(github_client& client, const reconcile_target& target);

}  // namespace tributary::reconciler
