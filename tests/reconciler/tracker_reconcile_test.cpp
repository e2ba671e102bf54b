// Pull requests with their reviews and issues with their assignees, end to end: a database fed
// every webhook of a world's history and one fed only part of them, then reconciled by
// tributary-reconciler against the fake serving the same world, hold the same rows and the same
// analytics. The fake GitHub, the devbroker, PostgreSQL and one tributary-worker per database.
#include "tests/reconciler/fake_github.hpp"
#include "tests/reconciler/reconcile_pipeline.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <iostream>
#include <set>
#include <tuple>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

/// Pull requests and issues only.
constexpr world_sizes tracker_sizes{.repositories = 2,
                                    .pushes_per_repository = 0,
                                    .pulls_per_repository = 8,
                                    .issues_per_repository = 8,
                                    .stars_per_repository = 0,
                                    .releases_per_repository = 0,
                                    .teams = 0};

/// The entity rows of the tables pull requests, reviews and issues fold into, without the
/// bookkeeping columns (seen_*, version_*), each row as one string.
std::map<std::string, std::vector<std::string>> tracker_rows(const std::string& url) {
  static const std::vector<std::pair<std::string, std::string>> queries = {
      {"pull_requests",
       "SELECT id, repository_id, number, title, author_login, author_id, state, created_at, "
       "updated_at, closed_at, merged_at, draft, merged, additions, deletions, changed_files, "
       "commits FROM github.pull_requests"},
      {"pull_request_reviews",
       "SELECT id, pull_request_id, repository_id, reviewer_login, reviewer_id, state, "
       "submitted_at, commit_id FROM github.pull_request_reviews"},
      {"issues",
       "SELECT id, repository_id, number, title, author_login, author_id, state, state_reason, "
       "is_pull_request, created_at, updated_at, closed_at, deleted, transferred FROM github.issues"},
      {"issue_assignees", "SELECT issue_id, user_id, login FROM github.issue_assignees"},
      {"issue_closings",
       "SELECT issue_id, closed_at, assignee_logins, from_closed_action FROM github.issue_closings"},
  };
  pqxx::connection connection(url);
  pqxx::work work(connection);
  work.exec("SET TIME ZONE 'UTC'");
  std::map<std::string, std::vector<std::string>> rows;
  for (const auto& [table, query] : queries) {
    auto& lines = rows[table];
    for (const auto& row : work.exec(query)) {
      std::string line;
      for (const auto& field : row) line += (field.is_null() ? "-" : field.c_str()) + std::string("|");
      lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
  }
  return rows;
}

/// The views the tracker's entities feed.
std::map<std::string, std::vector<std::string>> tracker_views(const std::string& url) {
  auto snapshot = analytics_snapshot(url);
  return {{"developer_activity_daily", snapshot["developer_activity_daily"]},
          {"developer_summary", snapshot["developer_summary"]},
          {"pull_request_cycle", snapshot["pull_request_cycle"]}};
}

class tracker_reconcile : public ::testing::Test {
 protected:
  void SetUp() override {
    world_ = std::make_shared<const github_world>(build_world("tracker-org", tracker_sizes));
    fake_ = std::make_unique<fake_github>();
    fake_->edit([&](fake_github_content& content) { content.set_world(world_); });
    deliveries_ = tracker_deliveries(*world_);
    std::stable_sort(deliveries_.begin(), deliveries_.end(), [](const delivery& a, const delivery& b) {
      return std::tie(a.received_at, a.delivery_id) < std::tie(b.received_at, b.delivery_id);
    });
  }

  /// `tributary-reconciler --once` for tracker-org, publishing to `database`'s topic, with
  /// RECONCILE_REQUEST_BUDGET `budget`.
  run_row reconcile(const pipeline& database, int budget = 0) {
    auto options = reconcile_once(database, fake_->url(), "tracker-org");
    options.environment["RECONCILE_REQUEST_BUDGET"] = std::to_string(budget);
    const auto run = run_reconciler(options, database);
    if (budget == 0) {
      EXPECT_EQ(run.outcome, "complete") << run.detail;
    }
    return run;
  }

  /// Feeds `database` half_delivered_since_the_hook of the deliveries; returns how many.
  long long feed_part(pipeline& database) const {
    const auto part = half_delivered_since_the_hook(deliveries_);
    EXPECT_GT(deliveries_.size(), part.size() * 2);
    EXPECT_FALSE(part.empty());
    database.feed(part);
    return static_cast<long long>(part.size());
  }

  std::shared_ptr<const github_world> world_;
  std::unique_ptr<fake_github> fake_;
  std::vector<delivery> deliveries_;
};

/// `world` a little later: its last open pull request (of the first repository) reviewed and
/// merged, and its last open issue there closed.
std::shared_ptr<const github_world> changed_world(const github_world& world) {
  auto changed = std::make_shared<github_world>(world);
  const auto later = world.now - std::chrono::minutes(30);
  auto& repository = changed->repositories.front();
  auto& pull = repository.pulls.back();
  EXPECT_FALSE(pull.closed_at.has_value());
  const std::string reviewer = pull.author_login == "ada" ? "brendan" : "ada";
  pull.reviews.push_back({89'999'999, reviewer, "APPROVED", later - std::chrono::minutes(10)});
  pull.closed_at = later;
  pull.merged_at = later;
  pull.merged_by_login = reviewer;
  pull.updated_at = later;
  auto open = std::find_if(repository.issues.rbegin(), repository.issues.rend(),
                           [](const world_issue& issue) { return !issue.closed_at; });
  EXPECT_NE(open, repository.issues.rend());
  open->closed_at = later;
  open->updated_at = later;
  return changed;
}

/// What a run asked, by kind: "pulls", "pull", "reviews", "issues", "other".
std::map<std::string, int> requests_by_kind(const std::vector<recorded_request>& requests) {
  std::map<std::string, int> kinds;
  for (const auto& request : requests) {
    const auto path = request.target.substr(0, request.target.find('?'));
    std::string kind = "other";
    if (path.ends_with("/reviews")) kind = "reviews";
    else if (path.ends_with("/pulls")) kind = "pulls";
    else if (path.find("/pulls/") != std::string::npos) kind = "pull";
    else if (path.ends_with("/issues")) kind = "issues";
    ++kinds[kind];
  }
  return kinds;
}

TEST_F(tracker_reconcile, a_partly_delivered_history_reconciled_equals_the_whole_history) {
  pipeline full("tracker_full");
  pipeline partial("tracker_partial");
  full.feed(deliveries_);
  const auto part = feed_part(partial);
  const auto expected_rows = tracker_rows(full.url);
  const auto expected_views = tracker_views(full.url);
  ASSERT_NE(tracker_rows(partial.url), expected_rows);  // so that the comparison below means something
  EXPECT_FALSE(expected_views.at("pull_request_cycle").empty());

  fake_->clear_requests();
  const auto run = reconcile(partial);
  const auto first = fake_->requests();
  EXPECT_EQ(run.requests, static_cast<long long>(first.size()));
  EXPECT_EQ(run.not_modified, 0);
  EXPECT_GT(run.gaps_of("pull_requests"), 0);
  EXPECT_GT(run.gaps_of("reviews"), 0);
  EXPECT_GT(run.gaps_of("issues"), 0);
  ASSERT_GE(run.published, run.gaps_of("pull_requests") + run.gaps_of("reviews") + run.gaps_of("issues"));
  ASSERT_TRUE(partial.folded(part + run.published)) << partial.diagnosis();
  EXPECT_EQ(tracker_rows(partial.url), expected_rows);
  EXPECT_EQ(tracker_views(partial.url), expected_views);

  // Pull requests' details are read only for those missing or stale, and every list once.
  auto kinds = requests_by_kind(first);
  std::size_t pulls = 0;
  for (const auto& repository : world_->repositories) pulls += repository.pulls.size();
  EXPECT_EQ(kinds["pulls"], 2);
  EXPECT_EQ(kinds["issues"], 2);
  EXPECT_EQ(kinds["reviews"], static_cast<int>(pulls));
  EXPECT_EQ(kinds["pull"], run.gaps_of("pull_requests"));
  EXPECT_LT(kinds["pull"], static_cast<int>(pulls));
  std::cout << "tracker-org (2 repositories, " << pulls << " pull requests, "
            << world_->repositories.size() * tracker_sizes.issues_per_repository
            << " issues; partial history): first run " << first.size() << " requests (pull lists "
            << kinds["pulls"] << ", pull requests read " << kinds["pull"] << ", review lists "
            << kinds["reviews"] << ", issue lists " << kinds["issues"] << ", other " << kinds["other"]
            << "), " << run.published << " events (gaps: " << run.gaps_of("pull_requests")
            << " pull requests, " << run.gaps_of("reviews") << " reviews, " << run.gaps_of("issues") << " issues)\n";

  // Nothing changed: only conditional requests, all 304, and nothing published.
  fake_->clear_requests();
  const auto again = reconcile(partial);
  const auto second = fake_->requests();
  for (const auto& request : second) {
    EXPECT_EQ(request.status, 304u) << request.target;
    EXPECT_FALSE(request.if_none_match.empty()) << request.target;
  }
  EXPECT_EQ(again.requests, static_cast<long long>(second.size()));
  EXPECT_EQ(again.not_modified, again.requests);
  EXPECT_EQ(again.published, 0);
  kinds = requests_by_kind(second);
  EXPECT_EQ(kinds["pulls"], 2);
  EXPECT_EQ(kinds["issues"], 2);
  EXPECT_EQ(kinds["reviews"] + kinds["pull"], 0);
  std::cout << "second run: " << second.size() << " requests, all 304 (pull lists " << kinds["pulls"]
            << ", issue lists " << kinds["issues"] << ", other " << kinds["other"] << ")\n";

  // Then, while the hook is down, an open pull request is reviewed and merged and an open issue
  // closed: the next run reads the first page of the changed lists only, and the reviews and
  // the full object of the pull requests updated since the watermark only.
  const auto changed = changed_world(*world_);
  std::set<std::string> delivered;
  for (const auto& item : deliveries_) delivered.insert(item.delivery_id);
  std::vector<delivery> news;
  for (const auto& item : tracker_deliveries(*changed))
    if (!delivered.contains(item.delivery_id)) news.push_back(item);
  ASSERT_EQ(news.size(), 3u);  // the review, the closing of the pull request, the issue's
  publish(full.topic, news, -1);
  ASSERT_TRUE(full.folded(static_cast<long long>(deliveries_.size() + news.size())));
  fake_->edit([&](fake_github_content& content) { content.set_world(changed); });
  fake_->clear_requests();
  const auto third = reconcile(partial);
  kinds = requests_by_kind(fake_->requests());
  EXPECT_EQ(third.gaps_of("pull_requests"), 1);
  EXPECT_EQ(third.gaps_of("reviews"), 1);
  EXPECT_EQ(third.gaps_of("issues"), 1);
  EXPECT_EQ(kinds["pull"], 1);
  EXPECT_LE(kinds["reviews"], 2);  // the changed one, and the one at the watermark (a 304)
  EXPECT_EQ(kinds["pulls"], 2);
  EXPECT_EQ(kinds["issues"], 2);
  ASSERT_TRUE(partial.folded(part + run.published + third.published));
  EXPECT_EQ(tracker_rows(partial.url), tracker_rows(full.url));
  EXPECT_EQ(tracker_views(partial.url), tracker_views(full.url));
  std::cout << "after one pull request and one issue changed: " << third.requests << " requests ("
            << third.not_modified << " answered 304), " << third.published << " events\n";
}

TEST_F(tracker_reconcile, runs_cut_short_by_the_budget_resume_and_converge_on_the_whole_history) {
  pipeline full("tracker_full_budget");
  pipeline partial("tracker_partial_budget");
  full.feed(deliveries_);
  auto ledger = feed_part(partial);

  // Nine requests a run: each run stops in the middle of a walk whose first pages' ETags are
  // stored; the next one walks it again unconditionally rather than taking its 304 for "done".
  std::vector<std::string> outcomes;
  for (int attempt = 0; attempt < 12 && (outcomes.empty() || outcomes.back() != "complete"); ++attempt) {
    const auto run = reconcile(partial, 9);
    outcomes.push_back(run.outcome);
    ledger += run.published;
    ASSERT_TRUE(partial.folded(ledger)) << partial.diagnosis();
  }
  ASSERT_EQ(outcomes.back(), "complete");
  EXPECT_GT(outcomes.size(), 2u);
  EXPECT_EQ(tracker_rows(partial.url), tracker_rows(full.url));
  EXPECT_EQ(tracker_views(partial.url), tracker_views(full.url));
  std::cout << "with RECONCILE_REQUEST_BUDGET=9: " << outcomes.size() << " runs to converge\n";
}

}  // namespace
}  // namespace tributary::testing
