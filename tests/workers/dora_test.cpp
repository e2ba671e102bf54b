// The DORA views and the weekly pull request cycle (migration 011) against a history of pushes,
// pull requests, reviews, deployments and deployment statuses built from GitHub's examples, folded
// by tributary-worker from the devbroker: every view equals the numbers worked out by hand in
// tests/workers/README.md ("The DORA history"); the same history applied in reverse order gives the
// same views.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/payload_edit.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/applier_fixture.hpp"
#include "tests/workers/worker_stream.hpp"

#include <pqxx/pqxx>

#include <gtest/gtest.h>

#include <csignal>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
using rapidjson::Document;
using rapidjson::Value;

struct person {
  const char* login;
  std::int64_t id;
};
const person alice{"alice", 201};
const person bob{"bob", 202};
const person carol{"carol", 203};

/// Shas of 40 hex digits, each digit the same: "m1" -> "m1m1...". Readable in failures.
std::string sha(const char* tag) {
  std::string text;
  while (text.size() < 40) text += tag;
  return text.substr(0, 40);
}

std::string zeros() { return std::string(40, '0'); }

std::int64_t epoch_of(const std::string& time) {
  std::tm parts{};
  std::istringstream(time) >> std::get_time(&parts, "%Y-%m-%dT%H:%M:%SZ");
  return static_cast<std::int64_t>(timegm(&parts));
}

/// The deliveries of repository acme/shop (id 9101), each carrying the repository snapshot of its
/// moment, in the order they are listed.
class history_builder {
 public:
  history_builder() {
    const auto example = book_.take("pull_request", 0, "opened");
    repository_.CopyFrom(example["repository"], repository_.GetAllocator());
    set(repository_, "id", std::int64_t{9101});
    set(repository_, "name", "shop");
    set(repository_, "full_name", "acme/shop");
    set(repository_, "owner.login", "acme");
    set(repository_, "owner.id", std::int64_t{5101});
    set(repository_, "owner.type", "Organization");
  }

  Value user(Document& document, const person& who) {
    Value user;
    user.CopyFrom(document["sender"], document.GetAllocator());
    user["login"].SetString(who.login, document.GetAllocator());
    user["id"].SetInt64(who.id);
    return user;
  }

  /// A push to refs/heads/main at `time` (also the repository's pushed_at, in epoch seconds as
  /// GitHub sends it), bringing `commits` (oldest first; the last is `after`).
  void push(const std::string& time, const std::string& before, const std::vector<std::string>& commits,
            bool forced = false) {
    auto document = book_.take("push", 4, "");
    const Value commit_template(document["commits"][0], document.GetAllocator());
    set(document, "ref", "refs/heads/main");
    set(document, "before", before);
    set(document, "after", commits.back());
    set(document, "created", before == zeros());
    set(document, "forced", forced);
    auto& list = at(document, "commits");
    list.SetArray();
    for (const auto& id : commits) {
      Value commit(commit_template, document.GetAllocator());
      commit["id"].SetString(id.c_str(), document.GetAllocator());
      commit["timestamp"].SetString(time.c_str(), document.GetAllocator());
      list.PushBack(commit, document.GetAllocator());
    }
    set_value(document, "head_commit", list[list.Size() - 1]);
    add("push", document, time, epoch_of(time));
  }

  struct pull_request_spec {
    std::int64_t id;
    int number;
    const person* author;
    const char* created_at;
  };

  /// A pull_request event; `merge_commit` set means merged at `time`.
  void pull_request(const pull_request_spec& spec, const char* action, const std::string& time,
                    const std::string& merge_commit = "", bool closed = false) {
    auto document = book_.take("pull_request", 0, "opened");
    set(document, "action", action);
    set(document, "number", spec.number);
    fill_pull_request(document, spec, time);
    if (!merge_commit.empty()) {
      set(document, "pull_request.merged", true);
      set(document, "pull_request.merged_at", time);
      set(document, "pull_request.merge_commit_sha", merge_commit);
    }
    if (!merge_commit.empty() || closed) {
      set(document, "pull_request.state", "closed");
      set(document, "pull_request.closed_at", time);
    }
    add("pull_request", document, time);
  }

  void review(std::int64_t id, const person& reviewer, const std::string& time,
              const pull_request_spec& spec) {
    auto document = book_.take("pull_request_review", 0, "submitted");
    set(document, "review.id", id);
    set_value(document, "review.user", user(document, reviewer));
    set(document, "review.state", "approved");
    set(document, "review.submitted_at", time);
    fill_pull_request(document, spec, time);
    add("pull_request_review", document, time);
  }

  void deployment(std::int64_t id, const std::string& commit, const char* environment,
                  const std::string& time) {
    auto document = book_.take("deployment", 0, "created");
    fill_deployment(document, id, commit, environment, time, time);
    add("deployment", document, time);
  }

  /// A status of deployment `id` (created at `created_at`) posted at `time`.
  void status(std::int64_t status_id, const char* state, std::int64_t id, const std::string& commit,
              const char* environment, const std::string& created_at, const std::string& time) {
    auto document = book_.take("deployment_status", 0, "created");
    fill_deployment(document, id, commit, environment, created_at, time);
    set(document, "deployment_status.id", status_id);
    set(document, "deployment_status.state", state);
    set(document, "deployment_status.environment", environment);
    set(document, "deployment_status.created_at", time);
    set(document, "deployment_status.updated_at", time);
    add("deployment_status", document, time);
  }

  std::vector<delivery> take_deliveries() { return std::move(deliveries_); }

 private:
  void fill_pull_request(Document& document, const pull_request_spec& spec, const std::string& time) {
    set(document, "pull_request.id", spec.id);
    set(document, "pull_request.number", spec.number);
    set_value(document, "pull_request.user", user(document, *spec.author));
    set(document, "pull_request.created_at", spec.created_at);
    set(document, "pull_request.updated_at", time);
    set(document, "pull_request.state", "open");
    set_null(document, "pull_request.closed_at");
    set_null(document, "pull_request.merged_at");
    set_null(document, "pull_request.merge_commit_sha");
    set(document, "pull_request.base.ref", "main");
  }

  void fill_deployment(Document& document, std::int64_t id, const std::string& commit,
                       const char* environment, const std::string& created_at,
                       const std::string& updated_at) {
    set(document, "deployment.id", id);
    set(document, "deployment.sha", commit);
    set(document, "deployment.ref", "main");
    set(document, "deployment.environment", environment);
    set(document, "deployment.created_at", created_at);
    set(document, "deployment.updated_at", updated_at);
  }

  void add(const std::string& event, Document& document, const std::string& time,
           std::int64_t pushed_at = 0) {
    set_value(document, "sender", user(document, alice));
    Document snapshot;
    snapshot.CopyFrom(repository_, snapshot.GetAllocator());
    set(snapshot, "updated_at", time);
    if (pushed_at > 0) set(snapshot, "pushed_at", pushed_at);
    set_value(document, "repository", snapshot);
    if (document.HasMember("organization")) document.RemoveMember("organization");
    if (document.HasMember("installation")) document.RemoveMember("installation");
    delivery item;
    item.event = event;
    item.delivery_id = "dora-" + std::to_string(1000 + deliveries_.size());
    item.received_at = time.substr(0, 19) + ".500Z";
    item.payload = json_of(document);
    deliveries_.push_back(std::move(item));
  }

  example_book book_;
  Document repository_;
  std::vector<delivery> deliveries_;
};

/// The history of tests/workers/README.md ("The DORA history"), in time order.
std::vector<delivery> build_history() {
  history_builder h;
  const history_builder::pull_request_spec pr1{91001, 1, &alice, "2024-03-04T08:00:00Z"};
  const history_builder::pull_request_spec pr2{91002, 2, &carol, "2024-03-04T13:00:00Z"};
  const history_builder::pull_request_spec pr3{91003, 3, &alice, "2024-03-06T08:00:00Z"};
  const history_builder::pull_request_spec pr4{91004, 4, &bob, "2024-03-11T10:00:00Z"};
  const history_builder::pull_request_spec pr5{91005, 5, &carol, "2024-03-12T11:00:00Z"};
  const history_builder::pull_request_spec pr6{91006, 6, &bob, "2024-03-13T09:00:00Z"};
  const auto base = sha("b0"), m1 = sha("a1"), f1 = sha("f1"), m2 = sha("a2"), x3 = sha("e3"),
             c3 = sha("c3"), m3 = sha("a3"), m4 = sha("a4"), m5 = sha("a5"), r7 = sha("d7");

  // Week of 2024-03-04.
  h.push("2024-03-04T07:00:00Z", zeros(), {base});
  h.pull_request(pr1, "opened", "2024-03-04T08:00:00Z");
  h.review(92001, bob, "2024-03-04T10:00:00Z", pr1);
  h.pull_request(pr1, "closed", "2024-03-04T12:00:00Z", m1);
  h.push("2024-03-04T12:00:00Z", base, {f1, m1});
  h.pull_request(pr2, "opened", "2024-03-04T13:00:00Z");
  h.deployment(93001, m1, "production", "2024-03-04T13:00:00Z");
  h.status(94001, "in_progress", 93001, m1, "production", "2024-03-04T13:00:00Z", "2024-03-04T13:05:00Z");
  h.status(94002, "success", 93001, m1, "production", "2024-03-04T13:00:00Z", "2024-03-04T13:10:00Z");
  h.review(92002, alice, "2024-03-05T09:00:00Z", pr2);
  h.pull_request(pr2, "closed", "2024-03-05T10:00:00Z", m2);
  h.push("2024-03-05T10:00:00Z", m1, {m2});
  h.status(94003, "success", 95001, m2, "staging", "2024-03-05T10:10:00Z", "2024-03-05T10:20:00Z");
  h.push("2024-03-05T11:00:00Z", m2, {x3});  // a direct push, no pull request
  h.status(94004, "success", 93002, x3, "production", "2024-03-05T12:00:00Z", "2024-03-05T12:30:00Z");
  h.pull_request(pr3, "opened", "2024-03-06T08:00:00Z");
  h.review(92003, carol, "2024-03-06T08:30:00Z", pr3);
  h.pull_request(pr3, "closed", "2024-03-06T09:00:00Z", m3);
  h.push("2024-03-06T09:00:00Z", x3, {c3, m3});
  // c3 came in a3's push but before it: it does not contain a3.
  h.status(94016, "success", 93011, c3, "production", "2024-03-06T09:10:00Z", "2024-03-06T09:30:00Z");
  h.status(94005, "failure", 93003, m3, "production", "2024-03-06T10:00:00Z", "2024-03-06T10:15:00Z");
  h.status(94006, "error", 93004, m3, "production", "2024-03-06T11:00:00Z", "2024-03-06T11:05:00Z");
  h.status(94007, "success", 93005, m3, "production", "2024-03-06T12:00:00Z", "2024-03-06T13:15:00Z");
  // Week of 2024-03-11.
  h.pull_request(pr4, "opened", "2024-03-11T10:00:00Z");
  h.pull_request(pr4, "closed", "2024-03-12T10:00:00Z", m4);
  h.push("2024-03-12T10:00:00Z", m3, {m4});
  h.status(94008, "success", 95002, m4, "staging", "2024-03-12T10:05:00Z", "2024-03-12T10:10:00Z");
  h.pull_request(pr5, "opened", "2024-03-12T11:00:00Z");
  h.status(94009, "success", 93006, m4, "production", "2024-03-12T11:00:00Z", "2024-03-12T11:30:00Z");
  h.status(94010, "failure", 95002, m4, "staging", "2024-03-12T10:05:00Z", "2024-03-12T12:00:00Z");
  h.status(94011, "success", 95003, m4, "staging", "2024-03-12T12:20:00Z", "2024-03-12T12:30:00Z");
  h.status(94012, "success", 93007, m3, "production", "2024-03-12T14:00:00Z", "2024-03-12T14:20:00Z");
  h.review(92004, bob, "2024-03-12T15:00:00Z", pr5);
  h.pull_request(pr5, "closed", "2024-03-13T11:00:00Z", m5);
  h.push("2024-03-13T11:00:00Z", m4, {m5});
  h.pull_request(pr6, "opened", "2024-03-13T09:00:00Z");
  h.review(92005, bob, "2024-03-13T10:00:00Z", pr6);  // its author's own: not a review of it
  h.status(94013, "in_progress", 93010, m5, "production", "2024-03-13T12:00:00Z", "2024-03-13T12:00:00Z");
  h.push("2024-03-14T07:00:00Z", m5, {r7}, true);  // history rewritten: r7 does not contain m5
  h.status(94014, "success", 93009, r7, "production", "2024-03-14T07:30:00Z", "2024-03-14T08:00:00Z");
  h.status(94015, "failure", 93008, m5, "production", "2024-03-14T08:30:00Z", "2024-03-14T09:00:00Z");
  // Week of 2024-03-18.
  h.review(92006, carol, "2024-03-18T09:00:00Z", pr6);
  h.pull_request(pr6, "closed", "2024-03-18T10:00:00Z", "", true);
  return h.take_deliveries();
}

/// Every DORA and cycle view of the database at `url`, as rows.
std::map<std::string, std::vector<std::string>> dora_views(const std::string& url) {
  return {
      {"deployment_outcomes",
       rows_of(url, "SELECT repo, environment, deployment_id, left(sha, 2), succeeded_at, failed_at, "
                    "rollback, rolled_back_by, failed_change FROM analytics.deployment_outcomes "
                    "ORDER BY environment, deployment_id")},
      {"deployment_restores",
       rows_of(url, "SELECT repo, environment, failed_deployment_id, failed_at, "
                    "restored_by_deployment_id, restored_at, round(hours_to_restore, 4) "
                    "FROM analytics.deployment_restores ORDER BY environment, failed_at")},
      {"change_lead_times",
       rows_of(url, "SELECT repo, environment, number, merged_at, left(merge_commit_sha, 2), "
                    "deployment_id, left(deployed_sha, 2), deployed_at, round(lead_time_hours, 4) "
                    "FROM analytics.change_lead_times ORDER BY environment, number")},
      {"dora_deployment_frequency",
       rows_of(url, "SELECT repo, environment, week, deployments FROM analytics.dora_deployment_frequency "
                    "ORDER BY environment, week")},
      {"dora_lead_time",
       rows_of(url, "SELECT repo, environment, week, changes, round(lead_time_hours_p50, 4), "
                    "round(lead_time_hours_p90, 4) FROM analytics.dora_lead_time "
                    "ORDER BY environment, week")},
      {"dora_change_failure_rate",
       rows_of(url, "SELECT repo, environment, week, deployments, failed_changes, "
                    "round(change_failure_rate, 4) FROM analytics.dora_change_failure_rate "
                    "ORDER BY environment, week")},
      {"dora_time_to_restore",
       rows_of(url, "SELECT repo, environment, week, restores, round(hours_to_restore_p50, 4), "
                    "round(hours_to_restore_p90, 4) FROM analytics.dora_time_to_restore "
                    "ORDER BY environment, week")},
      {"pull_request_cycle_weekly",
       rows_of(url, "SELECT repo, week, reviewed, round(hours_to_first_review_p50, 4), "
                    "round(hours_to_first_review_p90, 4), merged, round(hours_to_merge_p50, 4), "
                    "round(hours_to_merge_p90, 4) FROM analytics.pull_request_cycle_weekly "
                    "ORDER BY repo, week")},
  };
}

/// The numbers worked out by hand (tests/workers/README.md, "The DORA history").
std::map<std::string, std::vector<std::string>> expected_views() {
  return {
      {"deployment_outcomes",
       {"acme/shop|production|93001|a1|2024-03-04 13:10:00+00|-|f|-|f",
        "acme/shop|production|93002|e3|2024-03-05 12:30:00+00|-|f|-|f",
        "acme/shop|production|93003|a3|-|2024-03-06 10:15:00+00|f|-|t",
        "acme/shop|production|93004|a3|-|2024-03-06 11:05:00+00|f|-|t",
        "acme/shop|production|93005|a3|2024-03-06 13:15:00+00|-|f|-|f",
        "acme/shop|production|93006|a4|2024-03-12 11:30:00+00|-|f|93007|t",
        "acme/shop|production|93007|a3|2024-03-12 14:20:00+00|-|t|-|f",
        "acme/shop|production|93008|a5|-|2024-03-14 09:00:00+00|f|-|t",
        "acme/shop|production|93009|d7|2024-03-14 08:00:00+00|-|f|-|f",
        "acme/shop|production|93011|c3|2024-03-06 09:30:00+00|-|f|-|f",
        "acme/shop|staging|95001|a2|2024-03-05 10:20:00+00|-|f|-|f",
        "acme/shop|staging|95002|a4|2024-03-12 10:10:00+00|2024-03-12 12:00:00+00|f|-|t",
        "acme/shop|staging|95003|a4|2024-03-12 12:30:00+00|-|f|-|f"}},
      {"deployment_restores",
       {"acme/shop|production|93003|2024-03-06 10:15:00+00|93005|2024-03-06 13:15:00+00|3.0000",
        "acme/shop|production|93008|2024-03-14 09:00:00+00|-|-|-",
        "acme/shop|staging|95002|2024-03-12 12:00:00+00|95003|2024-03-12 12:30:00+00|0.5000"}},
      {"change_lead_times",
       {"acme/shop|production|1|2024-03-04 12:00:00+00|a1|93001|a1|2024-03-04 13:10:00+00|1.1667",
        "acme/shop|production|2|2024-03-05 10:00:00+00|a2|93002|e3|2024-03-05 12:30:00+00|2.5000",
        "acme/shop|production|3|2024-03-06 09:00:00+00|a3|93005|a3|2024-03-06 13:15:00+00|4.2500",
        "acme/shop|production|4|2024-03-12 10:00:00+00|a4|93006|a4|2024-03-12 11:30:00+00|1.5000",
        "acme/shop|production|5|2024-03-13 11:00:00+00|a5|-|-|-|-",
        "acme/shop|staging|1|2024-03-04 12:00:00+00|a1|95001|a2|2024-03-05 10:20:00+00|22.3333",
        "acme/shop|staging|2|2024-03-05 10:00:00+00|a2|95001|a2|2024-03-05 10:20:00+00|0.3333",
        "acme/shop|staging|3|2024-03-06 09:00:00+00|a3|95002|a4|2024-03-12 10:10:00+00|145.1667",
        "acme/shop|staging|4|2024-03-12 10:00:00+00|a4|95002|a4|2024-03-12 10:10:00+00|0.1667",
        "acme/shop|staging|5|2024-03-13 11:00:00+00|a5|-|-|-|-"}},
      {"dora_deployment_frequency",
       {"acme/shop|production|2024-03-04|4", "acme/shop|production|2024-03-11|3",
        "acme/shop|staging|2024-03-04|1", "acme/shop|staging|2024-03-11|2"}},
      // production 03-04: 7/6, 5/2, 17/4 h; 03-11: 3/2 h. staging 03-04: 67/3, 1/3 h; 03-11:
      // 871/6, 1/6 h. p90 of three values: the second + 0.8 x (third - second).
      {"dora_lead_time",
       {"acme/shop|production|2024-03-04|3|2.5000|3.9000",
        "acme/shop|production|2024-03-11|1|1.5000|1.5000",
        "acme/shop|staging|2024-03-04|2|11.3333|20.1333",
        "acme/shop|staging|2024-03-11|2|72.6667|130.6667"}},
      {"dora_change_failure_rate",
       {"acme/shop|production|2024-03-04|6|2|0.3333", "acme/shop|production|2024-03-11|4|2|0.5000",
        "acme/shop|staging|2024-03-04|1|0|0.0000", "acme/shop|staging|2024-03-11|2|1|0.5000"}},
      {"dora_time_to_restore",
       {"acme/shop|production|2024-03-04|1|3.0000|3.0000",
        "acme/shop|staging|2024-03-11|1|0.5000|0.5000"}},
      // First reviews: 03-04 week 2, 20, 0.5 h; 03-11 week 4 h; 03-18 week 120 h (bob's own
      // review of #6 does not count). Merges: 03-04 week 4, 21, 1 h; 03-11 week 24, 24 h.
      {"pull_request_cycle_weekly",
       {"acme/shop|2024-03-04|3|2.0000|16.4000|3|4.0000|17.6000",
        "acme/shop|2024-03-11|1|4.0000|4.0000|2|24.0000|24.0000",
        "acme/shop|2024-03-18|1|120.0000|120.0000|0|-|-"}},
  };
}

void expect_views(const std::map<std::string, std::vector<std::string>>& actual) {
  const auto expected = expected_views();
  for (const auto& [view, rows] : expected) {
    const auto found = actual.find(view);
    ASSERT_NE(found, actual.end()) << view;
    EXPECT_EQ(found->second, rows) << "analytics." << view;
  }
}

TEST(dora, the_views_of_a_history_folded_by_the_worker_equal_the_numbers_worked_out_by_hand) {
  const auto history = build_history();
  const auto url = migrated_database("workers_dora");
  const auto topic = fresh_topic("workers_dora", 2);
  publish(topic, history, -1);
  child_process worker(worker_options(url, topic, unique_name("workers_dora")));
  const auto deliveries = static_cast<long long>(history.size());
  ASSERT_TRUE(wait_until([&] { return settled(url) >= deliveries; }, 60s)) << worker.stderr_text();
  worker.send_signal(SIGTERM);
  EXPECT_TRUE(worker.wait_for_exit(30s).has_value());
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.dead_letters"), 0);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.pushes"), 8);
  expect_views(dora_views(url));
}

TEST(dora, the_history_applied_in_reverse_order_gives_the_same_views) {
  auto history = build_history();
  std::reverse(history.begin(), history.end());
  applier_on_fresh_database database("workers_dora_reversed");
  database.apply(to_messages(history));
  expect_views(dora_views(database.url));
}

}  // namespace
}  // namespace tributary::testing
