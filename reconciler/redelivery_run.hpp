#pragma once

#include "reconciler/bookkeeping.hpp"
#include "reconciler/github_client.hpp"
#include "reconciler/reconcile_settings.hpp"
#include "reconciler/redelivery.hpp"
#include "reconciler/redelivery_hooks.hpp"

#include <pqxx/connection>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace tributary::reconciler {

/// Which target of a pass a hook's sweep is counted with: an organisation hook with that
/// organisation; a repository hook with that repository, or else with its organisation; the app
/// hook, or a hook whose owner is no target of the pass, with none (its own row). Returns the
/// index in `targets`. Pure.
std::optional<std::size_t> hook_owner(const hook& h, const std::vector<reconcile_target>& targets);

/// The advisory-lock name of `h`'s sweeps (for target_lock): "hook " and the entry.
std::string hook_lock_name(const hook& h);

/// What one sweep of one hook did, for the row it is counted in.
struct hook_sweep {
  bool locked_out = false;                  // another reconciler was sweeping this hook: skipped
  std::optional<redelivery_outcome> outcome;  // when the sweep ran to an end
  std::string error;                        // when it failed (the listing refused, app auth, transport)
  std::int64_t requests = 0;                // answers received
  std::int64_t spent = 0;                   // of those, the ones that cost rate limit
  std::optional<std::int64_t> rate_limit_remaining;  // of the installation or token (not the App JWT's)
  /// "complete", "budget_exhausted", "rate_limited", "failed" or "skipped_locked".
  std::string end() const;
};

/// One sweep of `h` (redeliver_failed) under its advisory lock, with a client of its own made from
/// `github` and `hooks` (the pass's clock and budget): the app hook's client authenticates with a
/// fresh App JWT (app_jwt_config). Never throws for GitHub's or the hook's sake: a failure is in
/// `error`. Borrows `database` for its length.
hook_sweep sweep_hook(const hook& h, const github_config& github, const client_hooks& hooks,
                      pqxx::connection& database, const redelivery_options& options = {});

/// Adds `sweep` of `h` to `record`: requests, redeliveries, the sweep's end; an end other than
/// complete or skipped_locked makes the row's outcome at least as grave (budget_exhausted, or
/// stopped when `stopped`; failed for an error or a persisting rate limit) and says so in its
/// detail. A row still `running` is the hook's own: it becomes complete, or skipped_locked when
/// another reconciler was sweeping the hook. Pure.
void count_sweep(run_record& record, const hook& h, const hook_sweep& sweep, bool stopped);

}  // namespace tributary::reconciler
