#include "reconciler/redelivery_run.hpp"

#include "reconciler/redelivery_app_auth.hpp"

#include <chrono>

namespace tributary::reconciler {
namespace {

// complete < skipped_locked < budget_exhausted, stopped < not_found, failed: a row says the
// gravest of what happened to it.
int gravity(const std::string& outcome) {
  if (outcome == "complete" || outcome == "running") return 0;
  if (outcome == "skipped_locked") return 1;
  if (outcome == "budget_exhausted" || outcome == "stopped") return 2;
  return 3;
}

void note(run_record& record, const std::string& outcome, const std::string& detail) {
  if (gravity(outcome) > gravity(record.outcome)) record.outcome = outcome;
  record.detail += (record.detail.empty() ? "" : "; ") + detail;
}

}  // namespace

std::optional<std::size_t> hook_owner(const hook& h, const std::vector<reconcile_target>& targets) {
  if (h.kind == hook_kind::app) return std::nullopt;
  std::optional<std::size_t> organization;
  for (std::size_t index = 0; index < targets.size(); ++index) {
    const auto& target = targets[index];
    if (target.owner != h.owner) continue;
    if (target.is_organization()) {
      if (!organization) organization = index;
    } else if (h.kind == hook_kind::repository && target.repository == h.repo) {
      return index;
    }
  }
  return organization;
}

std::string hook_lock_name(const hook& h) { return "hook " + h.key; }

std::string hook_sweep::end() const {
  if (locked_out) return "skipped_locked";
  if (!outcome) return "failed";
  return to_string(outcome->end);
}

hook_sweep sweep_hook(const hook& h, const github_config& github, const client_hooks& hooks,
                      pqxx::connection& database, const redelivery_options& options) {
  hook_sweep sweep;
  target_lock lock(database, hook_lock_name(h));
  if (!lock.held()) {
    sweep.locked_out = true;
    return sweep;
  }
  try {
    const auto now = hooks.clock ? hooks.clock->now() : std::chrono::system_clock::now();
    github_client client(h.needs_app_jwt ? app_jwt_config(github, now) : github, hooks);
    try {
      sweep.outcome = redeliver_failed(client, database, h, options);
    } catch (const std::exception& error) {
      sweep.error = error.what();
    }
    sweep.requests = client.counters().requests;
    sweep.spent = client.counters().spent;
    if (!h.needs_app_jwt) sweep.rate_limit_remaining = client.rate_limit().remaining;
  } catch (const std::exception& error) {  // app_jwt_config: no App credentials, or a bad key
    sweep.error = error.what();
  }
  return sweep;
}

void count_sweep(run_record& record, const hook& h, const hook_sweep& sweep, bool stopped) {
  ++record.hook_sweeps[sweep.end()];
  record.requests += sweep.requests;
  if (sweep.rate_limit_remaining) record.rate_limit_remaining = sweep.rate_limit_remaining;
  if (record.outcome == "running") {  // a row of the hook's own
    record.outcome = sweep.locked_out ? "skipped_locked" : "complete";
    if (sweep.locked_out) record.detail = "another reconciler is sweeping this hook";
  }
  if (!sweep.error.empty()) {
    note(record, "failed", "hook " + h.key + ": " + sweep.error);
    return;
  }
  if (!sweep.outcome) return;  // another reconciler is sweeping it
  record.redeliveries += sweep.outcome->redelivered;
  record.redeliveries_refused += sweep.outcome->refused;
  switch (sweep.outcome->end) {
    case sweep_end::complete:
      break;
    case sweep_end::budget_exhausted:
      if (stopped)
        note(record, "stopped", "hook " + h.key + ": stopped by a signal between two requests");
      else
        note(record, "budget_exhausted",
             "hook " + h.key + ": the budget ended its sweep; the next run lists it again");
      break;
    case sweep_end::rate_limited:
      note(record, "failed", "hook " + h.key + ": a rate limit persisted through the client's retries");
      break;
  }
}

}  // namespace tributary::reconciler
