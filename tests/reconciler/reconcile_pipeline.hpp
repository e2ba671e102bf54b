#pragma once

#include "tests/harness/child_process.hpp"
#include "tests/reconciler/world_webhooks.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tributary::testing {

/// A database of its own, a topic of its own and a tributary-worker folding the topic into the
/// database: what webhooks and tributary-reconciler feed, for the end-to-end tests that compare
/// a database fed part of a github_world's history and reconciled with one fed all of it.
/// Owns the worker process (stopped with the object); one thread.
struct pipeline {
  /// `prefix` names the database and the topic (of `partitions` partitions); `worker_environment`
  /// is added to the worker's.
  explicit pipeline(const std::string& prefix, int partitions = 1,
                    const std::map<std::string, std::string>& worker_environment = {});

  long long count(const std::string& query) const;
  /// What the worker said and dead-lettered, for a failure's message.
  std::string diagnosis() const;
  /// Waits until the ledger (github.deliveries) holds `deliveries`; true when it holds exactly
  /// that many (fewer after the wait: not folded; more: folded twice) and nothing was
  /// dead-lettered.
  bool folded(long long deliveries) const;
  /// Publishes `items` and waits until they are folded (on an empty ledger).
  void feed(const std::vector<delivery>& items);

  std::string url;
  std::string topic;
  std::unique_ptr<child_process> worker;
};

/// What a hook created on 2025-11-20, whose endpoint was down half the time, delivered of `all`:
/// nothing before that day, and every other delivery from it on.
std::vector<delivery> half_delivered_since_the_hook(const std::vector<delivery>& all);

/// `tributary-reconciler --once` of `target` (RECONCILE_TARGETS) against the fake GitHub at
/// `github_url`, publishing to `into`'s topic, with token authentication and warnings logged;
/// callers add or replace settings in `environment`.
child_options reconcile_once(const pipeline& into, const std::string& github_url, const std::string& target);

/// What one reconciler run did, from its github.reconcile_runs row.
struct run_row {
  std::string outcome;
  std::string detail;
  long long requests = 0;
  long long not_modified = 0;
  long long published = 0;
  std::map<std::string, long long> gaps;  // resource → gaps found

  long long gaps_of(const std::string& resource) const;
};
/// The latest run row of `into`.
run_row latest_run(const pipeline& into);
/// Runs `options` (reconcile_once's, changed or not) to its end and returns its run row in
/// `into`; a run that fails or does not end within 3 minutes fails the test.
run_row run_reconciler(const child_options& options, const pipeline& into);

/// analytics_snapshot without what differs by nature between two databases fed at different
/// times: analytics.repository_stars.stars_known_at is the received-at of the snapshot that told.
std::map<std::string, std::vector<std::string>> comparable_analytics(const std::string& url);

}  // namespace tributary::testing
