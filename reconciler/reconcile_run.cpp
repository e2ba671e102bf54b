#include "reconciler/reconcile_run.hpp"

#include "reconciler/commit_line_counts.hpp"
#include "reconciler/event_repository.hpp"
#include "reconciler/history.hpp"
#include "reconciler/issues.hpp"
#include "reconciler/pull_requests.hpp"
#include "reconciler/redelivery_run.hpp"
#include "reconciler/repository_metadata.hpp"
#include "reconciler/target_context.hpp"

#include <chrono>
#include <random>
#include <set>

namespace tributary::reconciler {
namespace {

std::string new_run_id() {
  std::random_device device;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count()) + "-" +
         std::to_string(device() % 1'000'000);
}

std::vector<reconcile_target> all_targets(const run_config& config, pqxx::connection& database) {
  std::vector<reconcile_target> targets;
  std::set<std::string> seen;
  for (const auto& target : config.targets)
    if (seen.insert(target.text()).second) targets.push_back(target);
  for (const auto& registered : list_targets(database))
    if (seen.insert(registered.target).second) targets.push_back(parse_target(registered.target));
  return targets;
}

/// What the targets of one pass spend together: RECONCILE_RATE_LIMIT_SHARE of the remaining rate
/// limit first seen in the pass, and RECONCILE_REQUEST_BUDGET, hold for the whole pass.
struct pass_budget {
  request_budget share;
  std::int64_t cap = 0;
  std::int64_t spent_before = 0;  // by the pass's earlier targets
  rate_limit_state last_seen;     // the latest state a client of the pass saw: a new client knows none
};

/// The budget of one target's client: the pass's, and SIGTERM (a refusal between two requests).
/// `stopped` tells the two apart.
request_budget target_budget(pass_budget& pass, const std::atomic<bool>& stopping,
                             std::shared_ptr<bool> stopped) {
  return [&pass, &stopping, stopped](const rate_limit_state& state, std::int64_t spent) {
    if (stopping.load()) {
      *stopped = true;
      return false;
    }
    const auto spent_in_pass = pass.spent_before + spent;
    if (pass.cap > 0 && spent_in_pass >= pass.cap) return false;
    if (state.remaining) pass.last_seen = state;
    return pass.share(pass.last_seen, spent_in_pass);
  };
}

void reconcile_target_now(run_environment& environment, pass_budget& budget,
                          const reconcile_target& target, run_record& record) {
  auto stopped = std::make_shared<bool>(false);
  client_hooks hooks = environment.hooks;
  hooks.validators = std::make_shared<pg_validator_store>(environment.database);
  hooks.budget = target_budget(budget, environment.stopping, stopped);
  github_client client(environment.github, hooks);
  const auto acknowledged_before = environment.publisher.acknowledged();
  const auto failed_before = environment.publisher.failed();
  event_repositories repositories;
  target_context context{target,          environment.config, client, environment.database,
                         environment.publisher, record,        environment.log, repositories};
  try {
    const auto repositories = reconcile_repositories(context);
    reconcile_history(context, repositories);
    reconcile_pull_requests(context, repositories);
    reconcile_issues(context, repositories);
    const auto left = reconcile_commit_line_counts(context, repositories);
    if (left > 0) {
      record.outcome = "budget_exhausted";
      record.detail = std::to_string(left) +
                      " commits still lack line counts (RECONCILE_COMMIT_BUDGET): the next run "
                      "continues";
    } else {
      record.outcome = "complete";
    }
  } catch (const budget_exhausted&) {
    record.outcome = *stopped ? "stopped" : "budget_exhausted";
    record.detail = *stopped ? "stopped by a signal between two requests"
                             : "the pass's share of the rate limit (RECONCILE_RATE_LIMIT_SHARE) or "
                               "RECONCILE_REQUEST_BUDGET is spent: the rest waits for the next run";
  } catch (const api_error& error) {
    record.outcome = error.status == 404 ? "not_found" : "failed";
    record.detail = error.what();
  } catch (const std::exception& error) {
    record.outcome = "failed";
    record.detail = error.what();
  }
  if (!environment.publisher.settle(std::chrono::seconds(30)) &&
      environment.publisher.failed() > failed_before) {
    record.outcome = "failed";
    record.detail = std::to_string(environment.publisher.failed() - failed_before) +
                    " events were refused by the broker; the next run publishes them again";
  }
  record.events_published = environment.publisher.acknowledged() - acknowledged_before;
  record.requests = client.counters().requests;
  record.not_modified = client.counters().not_modified;
  record.rate_limit_remaining = client.rate_limit().remaining;
  budget.spent_before += client.counters().spent;
  if (client.rate_limit().remaining) budget.last_seen = client.rate_limit();
}

/// Sweeps `hooks` (RECONCILE_HOOKS entries counted with `record`'s row) within the pass's budget
/// and stop signal, each under its own advisory lock.
void sweep_hooks_now(run_environment& environment, pass_budget& budget,
                     const std::vector<const hook*>& hooks, run_record& record) {
  for (const auto* h : hooks) {
    auto stopped = std::make_shared<bool>(false);
    client_hooks client_hooks = environment.hooks;
    client_hooks.budget = target_budget(budget, environment.stopping, stopped);
    const auto sweep = sweep_hook(*h, environment.github, client_hooks, environment.database);
    budget.spent_before += sweep.spent;
    if (sweep.rate_limit_remaining) budget.last_seen.remaining = sweep.rate_limit_remaining;
    count_sweep(record, *h, sweep, *stopped);
  }
}

/// Ends a row: its duration, github.reconcile_runs, the metrics and one log line.
void finish_row(run_environment& environment, std::int64_t row,
                std::chrono::steady_clock::time_point started, run_record& record) {
  record.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  finish_run(environment.database, row, record);
  if (environment.metrics) environment.metrics->record(record);
  std::int64_t gaps = 0;
  for (const auto& [resource, count] : record.gaps) gaps += count;
  const std::initializer_list<core::log_field> fields{
      {"target", record.target},
      {"outcome", record.outcome},
      {"detail", record.detail},
      {"requests", record.requests},
      {"not_modified", record.not_modified},
      {"rate_limit_remaining", record.rate_limit_remaining.value_or(-1)},
      {"gaps", gaps},
      {"events_published", record.events_published},
      {"redeliveries", record.redeliveries},
      {"duration_seconds", record.duration_seconds}};
  if (record.outcome == "failed" || record.outcome == "not_found")
    environment.log.warning("target reconciled", fields);
  else
    environment.log.info("target reconciled", fields);
}

}  // namespace

std::vector<run_record> run_pass(run_environment& environment) {
  const auto run_id = new_run_id();
  pass_budget budget{share_of_remaining(environment.config.rate_limit_share),
                     environment.config.request_budget, 0, {}};
  const auto targets = all_targets(environment.config, environment.database);
  // Each hook's sweep is counted in the row of the target it belongs to, else in a row of its own.
  std::vector<std::vector<const hook*>> target_hooks(targets.size());
  std::vector<const hook*> own_row_hooks;
  for (const auto& h : environment.config.hooks) {
    if (const auto owner = hook_owner(h, targets))
      target_hooks[*owner].push_back(&h);
    else
      own_row_hooks.push_back(&h);
  }
  std::vector<run_record> records;
  for (std::size_t index = 0; index < targets.size(); ++index) {
    const auto& target = targets[index];
    if (environment.stopping.load()) break;
    run_record record;
    record.run_id = run_id;
    record.target = target.text();
    const auto started = std::chrono::steady_clock::now();
    target_lock lock(environment.database, target.text());
    const auto row = start_run(environment.database, record);
    if (!lock.held()) {
      record.outcome = "skipped_locked";
      record.detail = "another reconciler holds this target's advisory lock";
      environment.log.info("target skipped: another reconciler is working on it",
                           {{"target", record.target}});
    } else {
      reconcile_target_now(environment, budget, target, record);
    }
    sweep_hooks_now(environment, budget, target_hooks[index], record);
    finish_row(environment, row, started, record);
    records.push_back(std::move(record));
  }
  for (const auto* h : own_row_hooks) {
    if (environment.stopping.load()) break;
    run_record record;
    record.run_id = run_id;
    record.target = h->key;
    const auto started = std::chrono::steady_clock::now();
    const auto row = start_run(environment.database, record);
    sweep_hooks_now(environment, budget, {h}, record);
    finish_row(environment, row, started, record);
    records.push_back(std::move(record));
  }
  return records;
}

bool pass_succeeded(const std::vector<run_record>& records) {
  for (const auto& record : records)
    if (record.outcome == "failed" || record.outcome == "not_found") return false;
  return true;
}

void check_target_visible(github_client& client, const reconcile_target& target) {
  api_request request = api_get(target.is_organization() ? "/orgs/" + target.owner
                                                         : "/repos/" + target.text());
  request.conditional = false;
  client.send(request);
}

}  // namespace tributary::reconciler
