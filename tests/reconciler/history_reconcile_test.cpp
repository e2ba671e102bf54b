// The history resources end to end (default-branch commits, stargazers, releases, teams): the fake
// GitHub serving a github_world, the devbroker, PostgreSQL and tributary-worker processes. A
// database fed every history webhook of the world and one fed only a part of them, both then
// reconciled by tributary-reconciler --once, hold the same entity rows and analytics.
#include "tests/reconciler/fake_github.hpp"
#include "tests/reconciler/reconcile_pipeline.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <future>
#include <iostream>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* organization = "history-org";

/// History only: no pull request, no issue.
constexpr world_sizes small_world{.repositories = 2,
                                  .pushes_per_repository = 5,
                                  .pulls_per_repository = 0,
                                  .issues_per_repository = 0,
                                  .stars_per_repository = 4,
                                  .releases_per_repository = 2,
                                  .teams = 2};

/// The rows of the history tables that say what GitHub holds (not when or through which delivery
/// the worker learnt it), one string a row, sorted.
std::map<std::string, std::vector<std::string>> history_rows(const std::string& url) {
  const std::map<std::string, std::string> queries{
      {"commits",
       "SELECT concat_ws('|', r.full_name, c.sha, c.author_username, c.author_email, c.author_name, "
       "to_char(c.authored_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), c.message, c.additions, "
       "c.deletions) FROM github.commits c JOIN github.repositories r ON r.id = c.repository_id"},
      {"stars",
       "SELECT concat_ws('|', repository_id, user_id, login, starred, "
       "to_char(starred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')) FROM github.stars"},
      {"releases",
       "SELECT concat_ws('|', id, repository_id, tag_name, name, draft, prerelease, author_login, "
       "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), "
       "to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), deleted) "
       "FROM github.releases"},
      {"teams",
       "SELECT concat_ws('|', id, organization_login, slug, name, privacy, permission, parent_id, "
       "deleted) FROM github.teams"},
      {"team_members",
       "SELECT concat_ws('|', team_id, user_id, login, active) FROM github.team_members"}};
  std::map<std::string, std::vector<std::string>> rows;
  pqxx::connection connection(url);
  pqxx::nontransaction work(connection);
  for (const auto& [table, query] : queries) {
    auto& list = rows[table];
    for (const auto& row : work.exec(query + " ORDER BY 1")) list.push_back(row[0].as<std::string>());
  }
  return rows;
}

class history_reconcile : public ::testing::Test {
 protected:
  /// The fake serves a world of `sizes`.
  void serve(const world_sizes& sizes) {
    world_ = std::make_shared<const github_world>(build_world(organization, sizes));
    fake_ = std::make_unique<fake_github>();
    fake_->edit([&](fake_github_content& content) { content.set_world(world_); });
  }

  /// One `tributary-reconciler --once` of the organisation into `database`; waits until the
  /// worker has folded what it published.
  run_row reconcile(pipeline& database, const std::map<std::string, std::string>& changes = {}) {
    const auto before = database.count("SELECT count(*) FROM github.deliveries");
    auto options = reconcile_once(database, fake_->url(), organization);
    options.environment["RECONCILE_COMMIT_BUDGET"] = "1000";
    for (const auto& [name, value] : changes) options.environment[name] = value;
    const auto run = run_reconciler(options, database);
    EXPECT_TRUE(database.folded(before + run.published)) << database.diagnosis();
    return run;
  }

  /// Runs until a run publishes nothing (at most `limit` runs); returns every run.
  std::vector<run_row> reconcile_until_quiet(pipeline& database, int limit) {
    std::vector<run_row> runs;
    while (static_cast<int>(runs.size()) < limit) {
      runs.push_back(reconcile(database));
      EXPECT_EQ(runs.back().outcome, "complete") << runs.back().detail;
      if (runs.back().published == 0) break;
    }
    return runs;
  }

  std::shared_ptr<const github_world> world_;
  std::unique_ptr<fake_github> fake_;
};

TEST_F(history_reconcile, a_partly_delivered_history_is_backfilled_to_what_all_webhooks_give) {
  serve(small_world);
  const auto all = history_deliveries(*world_);
  const auto part = half_delivered_since_the_hook(all);
  ASSERT_LT(part.size(), all.size() / 2);
  ASSERT_FALSE(part.empty());

  pipeline full("history_full");
  pipeline partial("history_partial");
  full.feed(all);
  partial.feed(part);

  // Both reconciled at once (their own databases and topics; the fake serves both).
  auto full_reconciled = std::async(std::launch::async, [&] { return reconcile_until_quiet(full, 3); });
  const auto partial_runs = reconcile_until_quiet(partial, 4);
  const auto full_runs = full_reconciled.get();

  // The full history lacks only what webhooks never carry: line counts.
  ASSERT_EQ(full_runs.size(), 2u);
  long long commits = 0;
  for (const auto& repository : world_->repositories) commits += static_cast<long long>(repository.commits.size());
  EXPECT_EQ(full_runs[0].gaps, (std::map<std::string, long long>{{"commit_stats", commits},
                                                                    {"commits", 0},
                                                                    {"issues", 0},
                                                                    {"pull_requests", 0},
                                                                    {"releases", 0},
                                                                    {"repository", 0},
                                                                    {"reviews", 0},
                                                                    {"stars", 0},
                                                                    {"teams", 0}}));
  std::cout << "full history: first run " << full_runs[0].requests << " requests ("
            << full_runs[0].not_modified << " answered 304), " << full_runs[0].published
            << " events\n";

  ASSERT_GE(partial_runs.size(), 2u);
  for (std::size_t index = 0; index < partial_runs.size(); ++index) {
    std::cout << "partial history: run " << index + 1 << ": " << partial_runs[index].requests
              << " requests (" << partial_runs[index].not_modified << " answered 304), "
              << partial_runs[index].published << " events, gaps";
    for (const auto& [resource, count] : partial_runs[index].gaps) std::cout << " " << resource << "=" << count;
    std::cout << "\n";
  }
  EXPECT_GT(partial_runs[0].gaps.at("commits"), 0);
  EXPECT_GT(partial_runs[0].gaps.at("stars"), 0);
  EXPECT_GT(partial_runs[0].gaps.at("releases"), 0);
  EXPECT_GT(partial_runs[0].gaps.at("teams"), 0);

  EXPECT_EQ(history_rows(partial.url), history_rows(full.url));
  EXPECT_EQ(comparable_analytics(partial.url), comparable_analytics(full.url));
  EXPECT_GT(full.count("SELECT count(*) FROM github.commits WHERE additions > 0"), 0);
  EXPECT_EQ(full.count("SELECT count(*) FROM github.commits WHERE additions IS NULL"), 0);

  // Nothing changed: only conditional requests, all answered 304, and nothing published.
  fake_->clear_requests();
  const auto quiet = reconcile(partial);
  EXPECT_EQ(quiet.published, 0);
  const auto requests = fake_->requests();
  EXPECT_EQ(quiet.requests, static_cast<long long>(requests.size()));
  EXPECT_EQ(quiet.not_modified, quiet.requests);
  for (const auto& request : requests) {
    EXPECT_EQ(request.status, 304u) << request.target;
    EXPECT_FALSE(request.if_none_match.empty()) << request.target;
  }
  std::cout << "second run with nothing changed: " << quiet.requests << " requests, all 304\n";
}

TEST_F(history_reconcile, runs_cut_short_by_the_budget_lose_nothing) {
  // One repository with two pages of commits; nothing was ever delivered.
  serve({.repositories = 1,
         .pushes_per_repository = 60,
         .pulls_per_repository = 0,
         .issues_per_repository = 0,
         .stars_per_repository = 3,
         .releases_per_repository = 1,
         .teams = 1});
  const auto& repository = world_->repositories.front();
  ASSERT_GT(repository.commits.size(), 100u);
  pipeline database("history_budget");

  // Four requests that cost per run: the first run reads the listing, the repository (twice:
  // the worker does not know it yet) and the first page of commits, and stops before the second.
  const std::map<std::string, std::string> budget{{"RECONCILE_REQUEST_BUDGET", "4"}};
  const auto first = reconcile(database, budget);
  EXPECT_EQ(first.outcome, "budget_exhausted");
  EXPECT_EQ(first.gaps.at("commits"), 100);
  // The page whose walk was cut short is asked again unconditionally, not trusted to a 304.
  fake_->clear_requests();
  const auto second = reconcile(database, budget);
  EXPECT_EQ(second.outcome, "budget_exhausted");
  const auto commits_page = "/repos/" + world_->full_name(repository) + "/commits?per_page=100";
  bool asked_again = false;
  for (const auto& request : fake_->requests())
    if (request.target == commits_page) {
      asked_again = true;
      EXPECT_EQ(request.status, 200u);
      EXPECT_TRUE(request.if_none_match.empty());
    }
  EXPECT_TRUE(asked_again);
  EXPECT_EQ(second.gaps.at("commits"), static_cast<long long>(repository.commits.size()) - 100);

  const auto rest = reconcile_until_quiet(database, 4);
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.back().published, 0);
  long long additions = 0;
  for (const auto& commit : repository.commits) additions += commit.additions;
  EXPECT_EQ(database.count("SELECT count(*) FROM github.commits WHERE additions IS NOT NULL"),
            static_cast<long long>(repository.commits.size()));
  EXPECT_EQ(database.count("SELECT sum(additions) FROM github.commits"), additions);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.stars WHERE starred"), 3);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.releases"), 1);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.team_members WHERE active"),
            static_cast<long long>(world_->teams.front().member_logins.size()));
}

TEST_F(history_reconcile, new_stars_are_read_from_the_last_page_only) {
  // GitHub lists stargazers oldest first: 150 stars fill page 1 and half of page 2.
  fake_ = std::make_unique<fake_github>();
  fake_->edit([](fake_github_content& content) {
    content.add_organization("star-org");
    content.add_repository({"star-org", "popular", 0, 0, 150});
  });
  pipeline database("history_stars");
  const std::map<std::string, std::string> target{{"RECONCILE_TARGETS", "star-org/popular"}};
  const auto first = reconcile(database, target);
  EXPECT_EQ(first.outcome, "complete") << first.detail;
  EXPECT_EQ(first.gaps.at("stars"), 150);

  // Ten new stars: the next run asks page 2 only, conditionally, and finds them.
  fake_->edit([](fake_github_content& content) { content.add_repository({"star-org", "popular", 0, 0, 160}); });
  fake_->clear_requests();
  const auto second = reconcile(database, target);
  EXPECT_EQ(second.gaps.at("stars"), 10);
  std::vector<std::string> star_pages;
  for (const auto& request : fake_->requests())
    if (request.target.find("/stargazers") != std::string::npos) {
      star_pages.push_back(request.target);
      EXPECT_FALSE(request.if_none_match.empty()) << request.target;
      EXPECT_EQ(request.accept, "application/vnd.github.star+json");
    }
  EXPECT_EQ(star_pages, (std::vector<std::string>{"/repos/star-org/popular/stargazers?per_page=100&page=2"}));

  // Nothing new: page 2 answers 304.
  fake_->clear_requests();
  const auto third = reconcile(database, target);
  EXPECT_EQ(third.published, 0);
  EXPECT_EQ(third.not_modified, third.requests);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.stars WHERE starred"), 160);
}

}  // namespace
}  // namespace tributary::testing
