// The reconciler's promise, end to end: an organisation whose webhooks delivered only part of its
// history (nothing before the hook existed, nothing during an outage, some deliveries lost) is
// backfilled from GitHub's REST API until every analytics view equals the one that the whole
// history, delivered by webhooks, gives. Both databases are fed by real tributary-worker processes
// from topics of their own; the fake GitHub serves the same github_world the webhooks were built
// from, with GitHub App auth whose tokens expire mid-run and rate limits that strike mid-run.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/reconciler/app_key_pair.hpp"
#include "tests/reconciler/fake_github.hpp"
#include "tests/reconciler/reconcile_pipeline.hpp"
#include "tests/reconciler/world_webhooks.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <set>
#include <thread>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

/// A pipeline whose worker keeps every raw delivery (the world's history is a year old).
pipeline start_pipeline(const std::string& prefix) { return pipeline(prefix, 3, {{"RAW_RETENTION_MONTHS", "0"}}); }

/// What webhooks delivered of `all` (oldest first): nothing before the hook was created (the first
/// third of the history), nothing during an outage (a tenth of it), and one in five lost besides.
std::vector<delivery> partial_history(const std::vector<delivery>& all) {
  std::vector<delivery> delivered;
  const auto size = all.size();
  for (std::size_t index = size / 3; index < size; ++index) {
    if (index >= size * 6 / 10 && index < size * 7 / 10) continue;
    if (index % 5 == 0) continue;
    delivered.push_back(all[index]);
  }
  return delivered;
}

class backfill : public ::testing::Test {
 protected:
  void SetUp() override {
    world_ = std::make_shared<const github_world>(build_world("octo-world"));
    fake_github_options options;
    options.app_id = "4242";
    options.installation_id = "77";
    options.app_public_key_pem = keys_.public_pem();
    options.tokens.clear();
    // The client replaces a token with under 5 minutes left: one that lives 5 minutes and 2
    // seconds is replaced every 2 seconds, in the middle of each run.
    options.installation_token_lifetime = 302s;
    fake_ = std::make_unique<fake_github>(options);
    fake_->edit([&](fake_github_content& content) { content.set_world(world_); });
  }

  /// One `tributary-reconciler --once` over octo-world into `into`, authenticated as the App
  /// installation; its run row.
  run_row reconcile(const pipeline& into, const std::string& commit_budget) {
    auto options = reconcile_once(into, fake_->url(), "octo-world");
    options.environment.erase("GITHUB_TOKEN");
    options.environment["GITHUB_APP_ID"] = "4242";
    options.environment["GITHUB_APP_PRIVATE_KEY_FILE"] = keys_.private_key_file();
    options.environment["GITHUB_APP_INSTALLATION_ID"] = "77";
    options.environment["RECONCILE_COMMIT_BUDGET"] = commit_budget;
    options.environment["LOG_LEVEL"] = "info";
    return run_reconciler(options, into);
  }

  /// Waits until the worker has folded every event the runs say they published, and checks that
  /// none was published twice (the ledger would hold fewer).
  static void expect_folded(const pipeline& into) {
    const auto published = [&] {
      return count_of(into.url, "SELECT coalesce(sum(events_published), 0) FROM github.reconcile_runs");
    };
    const auto folded = [&] {
      return count_of(into.url, "SELECT count(*) FROM github.deliveries WHERE source = 'reconciler'");
    };
    wait_until([&] { return folded() >= published(); }, 60s);
    EXPECT_EQ(folded(), published()) << "events published again, or not folded";
    EXPECT_EQ(count_of(into.url, "SELECT count(*) FROM github.dead_letters"), 0) << into.worker->stderr_text();
  }

  static void expect_webhooks_folded(const pipeline& into, std::size_t count) {
    const auto query = "SELECT count(*) FROM github.deliveries WHERE source = 'webhook'";
    wait_until([&] { return count_of(into.url, query) >= static_cast<long long>(count); }, 60s);
    ASSERT_EQ(count_of(into.url, query), static_cast<long long>(count)) << into.worker->stderr_text();
  }

  app_key_pair keys_;
  std::shared_ptr<const github_world> world_;
  std::unique_ptr<fake_github> fake_;
};

TEST_F(backfill, an_organisation_with_part_of_its_history_converges_to_the_views_of_the_whole) {
  const auto all = world_deliveries(*world_);
  const auto delivered = partial_history(all);
  ASSERT_GT(all.size(), 100u);

  // The whole history through webhooks; the reconciler then adds only the line counts, which
  // push webhooks never carry.
  auto whole = start_pipeline("backfill_whole");
  publish(whole.topic, all, -1);
  expect_webhooks_folded(whole, all.size());
  const auto commits = count_of(whole.url, "SELECT count(*) FROM github.commits");
  ASSERT_GT(commits, 20);
  const auto whole_run = reconcile(whole, "1000");
  expect_folded(whole);
  EXPECT_EQ(whole_run.outcome, "complete");
  pqxx::connection whole_connection(whole.url);
  {
    pqxx::nontransaction work(whole_connection);
    for (const auto& row : work.exec(
             "SELECT key, value::bigint FROM github.reconcile_runs, jsonb_each_text(gaps)"))
      EXPECT_EQ(row[1].as<long long>(), row[0].as<std::string>() == "commit_stats" ? commits : 0)
          << "the whole history lacked " << row[0].as<std::string>();
  }
  EXPECT_EQ(count_of(whole.url, "SELECT count(*) FROM github.commits WHERE additions IS NULL"), 0);

  // Part of it through webhooks, then runs until one completes: 10 line counts a run, with a
  // secondary rate limit and a spent primary limit striking in the middle of the first run.
  auto part = start_pipeline("backfill_part");
  publish(part.topic, delivered, -1);
  expect_webhooks_folded(part, delivered.size());
  ASSERT_NE(comparable_analytics(part.url), comparable_analytics(whole.url));
  fake_->clear_requests();
  const auto tokens_before = fake_->installation_tokens_issued();
  std::atomic<bool> first_run_over{false};
  std::thread limits([&] {
    wait_until([&] { return first_run_over.load() || fake_->requests().size() >= 10; }, 120s);
    fake_->inject({403, 1, 1});
    wait_until([&] { return first_run_over.load() || fake_->requests().size() >= 40; }, 120s);
    fake_->exhaust_primary(2s);
  });
  std::string outcome;
  int runs = 0;
  while (outcome != "complete" && runs < 12) {
    outcome = reconcile(part, "10").outcome;
    first_run_over = true;
    ++runs;
    expect_folded(part);
  }
  limits.join();
  EXPECT_EQ(outcome, "complete");
  EXPECT_GE(runs, static_cast<int>((commits + 9) / 10)) << "the commit budget was not honoured";

  wait_until([&] { return comparable_analytics(part.url) == comparable_analytics(whole.url); }, 60s);
  EXPECT_EQ(comparable_analytics(part.url), comparable_analytics(whole.url));

  // What the fake saw: the limits struck and were waited out; no token had expired when used;
  // and no work was repeated (each commit's line counts asked once over all runs).
  const auto requests = fake_->requests();
  std::map<std::string, int> commit_reads;
  int refused = 0;  // the secondary limit's 403 and the spent primary limit's
  for (const auto& request : requests) {
    EXPECT_NE(request.status, 401u) << request.method << " " << request.target;
    if (request.status == 403) ++refused;
    if (request.method == "GET" && request.target.find("/commits/") != std::string::npos && request.status == 200)
      ++commit_reads[request.target.substr(0, request.target.find('?'))];
  }
  EXPECT_GE(refused, 2) << "both limits struck";
  std::cout << "whole history: " << all.size() << " deliveries, " << commits << " commits; delivered: "
            << delivered.size() << "; runs until complete: " << runs << "; requests: " << requests.size()
            << " (" << refused << " refused by rate limits); installation tokens: "
            << fake_->installation_tokens_issued() - tokens_before << "\n";
  EXPECT_GT(fake_->installation_tokens_issued() - tokens_before, static_cast<std::size_t>(runs))
      << "tokens were replaced in the middle of runs";
  for (const auto& [target, reads] : commit_reads) EXPECT_EQ(reads, 1) << target;
  EXPECT_EQ(count_of(part.url, "SELECT sum(requests) FROM github.reconcile_runs"),
            static_cast<long long>(requests.size()))
      << "the runs' rows count what the fake answered";
  EXPECT_EQ(count_of(part.url, "SELECT sum(not_modified) FROM github.reconcile_runs"),
            std::count_if(requests.begin(), requests.end(), [](const auto& r) { return r.status == 304; }));

  // Nothing changed since: a run asks only conditionally, every answer is a 304, and it publishes
  // nothing.
  fake_->clear_requests();
  const auto quiet = reconcile(part, "10");
  for (const auto& request : fake_->requests()) {
    if (request.method == "POST") continue;  // the installation token exchange
    EXPECT_FALSE(request.if_none_match.empty() && request.if_modified_since.empty()) << request.target;
    EXPECT_EQ(request.status, 304u) << request.target;
  }
  EXPECT_EQ(quiet.outcome, "complete");
  EXPECT_EQ(quiet.published, 0);
}

// What the reconciler costs an organisation whose webhooks never came at all (the hook made today):
// every entity comes through it. The figures of reconciler/README.md's "What a run costs".
TEST_F(backfill, what_runs_cost_for_an_organisation_never_delivered) {
  const auto world = std::make_shared<const github_world>(build_world(
      "octo-large", {.repositories = 10, .pushes_per_repository = 20, .pulls_per_repository = 30,
                     .issues_per_repository = 30, .stars_per_repository = 20,
                     .releases_per_repository = 5, .teams = 3}));
  fake_->edit([&](fake_github_content& content) { content.set_world(world); });
  auto empty = start_pipeline("backfill_cost");
  std::vector<run_row> runs;
  std::vector<std::vector<recorded_request>> asked;
  for (int run = 0; run < 4; ++run) {
    fake_->clear_requests();
    auto options = reconcile_once(empty, fake_->url(), "octo-large");
    options.environment.erase("GITHUB_TOKEN");
    options.environment["GITHUB_APP_ID"] = "4242";
    options.environment["GITHUB_APP_PRIVATE_KEY_FILE"] = keys_.private_key_file();
    options.environment["GITHUB_APP_INSTALLATION_ID"] = "77";
    options.environment["RECONCILE_COMMIT_BUDGET"] = "1000";
    runs.push_back(run_reconciler(options, empty));
    asked.push_back(fake_->requests());
    expect_folded(empty);
    std::cout << "octo-large run " << run + 1 << ": " << runs.back().requests << " requests, "
              << runs.back().not_modified << " answered 304, " << runs.back().published
              << " events published\n";
  }
  // The first run publishes every entity, the second fills the line counts of the commits the
  // first published, and from then on nothing changed: every request is a 304 and nothing is
  // published.
  long long commits = 0;
  for (const auto& repository : world->repositories) commits += static_cast<long long>(repository.commits.size());
  EXPECT_EQ(empty.count("SELECT count(*) FROM github.commits WHERE additions IS NOT NULL"), commits);
  EXPECT_EQ(empty.count("SELECT count(*) FROM github.pull_requests"), 10 * 30);
  EXPECT_EQ(empty.count("SELECT count(*) FROM github.issues"), 10 * 30);
  for (std::size_t run = 2; run < 4; ++run) {
    EXPECT_EQ(runs[run].published, 0);
    for (const auto& request : asked[run])
      if (request.method == "GET") {
        EXPECT_EQ(request.status, 304u) << request.target;
      }
  }
}

}  // namespace
}  // namespace tributary::testing
