// tributary-reconciler end to end: the fake GitHub, the devbroker, a real PostgreSQL and a running
// tributary-worker folding what the reconciler publishes.
#include "core/kafka_producer.hpp"
#include "reconciler/reconcile_run.hpp"
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/reconciler/fake_github.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/database_outage.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <csignal>
#include <regex>
#include <set>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

/// octo-org's repositories as GitHub has them: {name, commits, stargazers}.
struct repository_spec {
  std::string name;
  int commits;
  int stargazers;
};
const std::vector<repository_spec> octo_repositories{{"alpha", 5, 42}, {"beta", 3, 7}, {"gamma", 0, 3}};

/// The lists each repository costs besides its own GET: commits, stargazers, releases, pull
/// requests and issues.
constexpr std::size_t lists_per_repository = 5;

std::string reconciler_path() {
  return required_environment("TRIBUTARY_BUILD_DIR") + "/reconciler/tributary-reconciler";
}

/// A database and topic of their own, the fake with octo-org, and a worker folding the topic.
/// The database holds what webhooks delivered: alpha and beta with stale star counts and their
/// commits without line counts; gamma never arrived.
class reconciler_run : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_ = std::make_unique<fake_github>();
    fake_->edit([](fake_github_content& content) {
      content.add_organization("octo-org");
      for (const auto& repository : octo_repositories)
        content.add_repository({"octo-org", repository.name, 0, repository.commits, repository.stargazers});
    });
    url_ = migrated_database("reconciler_run");
    topic_ = fresh_topic("reconciler_run", 1);
    worker_ = std::make_unique<child_process>(worker_options(url_, topic_, unique_name("group")));

    auto client = reconciler::github_client(github_config());
    pqxx::connection connection(url_);
    pqxx::work work(connection);
    for (const auto& spec : octo_repositories) {
      auto request = reconciler::api_get("/repos/octo-org/" + spec.name);
      request.conditional = false;
      const auto repository = reconciler::github_client::parse_json(client.send(request));
      const auto id = repository["id"].GetInt64();
      const auto owner_id = repository["owner"]["id"].GetInt64();
      ids_[spec.name] = id;
      if (spec.name == "gamma") continue;
      work.exec_params(
          "INSERT INTO github.repositories (id, full_name, name, owner_login, owner_id, "
          "stargazers_count, updated_at, version_at, seen_at, seen_delivery, stars_version_at, "
          "stars_seen_at, stars_seen_delivery) VALUES ($1, $2, $3, 'octo-org', $4, 1, "
          "'2001-01-01Z', '2001-01-01Z', '2001-01-01Z', 'webhook-1', '2001-01-01Z', "
          "'2001-01-01Z', 'webhook-1')",
          id, "octo-org/" + spec.name, spec.name, owner_id);
      for (int index = 0; index < spec.commits; ++index) {
        const auto sha = fake_github_content::commit_sha("octo-org/" + spec.name, static_cast<std::size_t>(index));
        expected_additions_ += fake_github_content::commit_additions(sha);
        expected_deletions_ += fake_github_content::commit_deletions(sha);
        work.exec_params(
            "INSERT INTO github.commits (repository_id, sha, author_email, authored_at, "
            "first_seen_delivery) VALUES ($1, $2, 'dev@example.com', "
            "'2024-03-01Z'::timestamptz + $3 * interval '1 hour', 'webhook-1')",
            id, sha, index);
      }
    }
    work.commit();
    fake_->clear_requests();
  }

  std::map<std::string, std::string> environment() const {
    return {{"KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers()},
            {"KAFKA_TOPIC", topic_},
            {"DATABASE_URL", url_},
            {"METRICS_LISTEN", "127.0.0.1:0"},
            {"GITHUB_API_URL", fake_->url()},
            {"GITHUB_TOKEN", "test-token"},
            {"RECONCILE_TARGETS", "octo-org"},
            {"LOG_LEVEL", "info"}};
  }

  core::settings settings(std::map<std::string, std::string> changes = {}) const {
    auto values = environment();
    for (auto& [name, value] : changes) values[name] = value;
    const auto specs = reconciler::reconciler_setting_specs();
    return core::settings::load(specs, {}, values);
  }

  reconciler::github_config github_config() const {
    return reconciler::make_github_config(settings());
  }

  /// One pass in this process, with its metrics on `registry`.
  std::vector<reconciler::run_record> run_pass(const reconciler::run_config& config,
                                               prometheus::Registry& registry) {
    const auto github = github_config();
    pqxx::connection database(url_);
    core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
    reconciler::event_publisher publisher(producer, topic_);
    reconciler::reconciler_metrics metrics(registry);
    const std::atomic<bool> stopping{false};
    const core::logger log("reconciler");
    reconciler::run_environment environment{github, config, database, publisher, &metrics,
                                            stopping, log, {}};
    return reconciler::run_pass(environment);
  }

  /// A tributary-reconciler process with `arguments` and the test's settings.
  child_process reconciler_process(std::vector<std::string> arguments,
                                   std::map<std::string, std::string> changes = {}) const {
    child_options options{{reconciler_path()}, {}};
    for (auto& argument : arguments) options.argv.push_back(std::move(argument));
    for (const auto& [name, value] : environment()) options.environment[name] = value;
    for (const auto& [name, value] : changes) options.environment[name] = value;
    return child_process(options);
  }

  long long count(const std::string& query) const { return count_of(url_, query); }

  /// Waits until the worker has folded every line count the fake knows.
  bool line_counts_converged() const {
    const bool converged = wait_until(
        [&] { return count("SELECT count(*) FROM github.commits WHERE additions IS NULL") == 0; },
        60s);
    if (!converged) ADD_FAILURE() << diagnosis();
    return converged;
  }

  /// What the worker said and dead-lettered, for a failure's message.
  std::string diagnosis() const {
    std::string text = "worker stderr:\n" + worker_->stderr_text() + "\nworker stdout:\n" +
                       worker_->stdout_text().substr(0, 4000) + "\ndead letters:\n";
    pqxx::connection connection(url_);
    pqxx::nontransaction work(connection);
    for (const auto& row : work.exec("SELECT coalesce(delivery_id, '-'), reason FROM github.dead_letters LIMIT 5"))
      text += row[0].as<std::string>() + ": " + row[1].as<std::string>() + "\n";
    return text;
  }

  long long additions_in_analytics() const {
    return count("SELECT coalesce(sum(additions), 0) FROM analytics.developer_activity_daily");
  }
  long long deletions_in_analytics() const {
    return count("SELECT coalesce(sum(deletions), 0) FROM analytics.developer_activity_daily");
  }

  std::unique_ptr<fake_github> fake_;
  std::string url_;
  std::string topic_;
  std::unique_ptr<child_process> worker_;
  std::map<std::string, std::int64_t> ids_;
  long long expected_additions_ = 0;
  long long expected_deletions_ = 0;
};

TEST_F(reconciler_run, targets_are_added_listed_and_removed_and_a_missing_one_is_refused) {
  const auto run = [&](std::vector<std::string> arguments) {
    auto process = reconciler_process(std::move(arguments));
    const auto status = process.wait_for_exit(60s);
    EXPECT_TRUE(status.has_value());
    return std::make_tuple(status.value_or(exit_status{}), process.stdout_text(), process.stderr_text());
  };
  auto [added, added_out, added_err] = run({"targets", "add", "octo-org"});
  EXPECT_TRUE(added.success()) << added_err;
  EXPECT_NE(added_out.find("added octo-org"), std::string::npos);
  auto [repo, repo_out, repo_err] = run({"targets", "add", "octo-org/alpha"});
  EXPECT_TRUE(repo.success()) << repo_err;

  auto [ghost, ghost_out, ghost_err] = run({"targets", "add", "ghost-org"});
  EXPECT_FALSE(ghost.success());
  EXPECT_NE(ghost_err.find("'ghost-org' does not exist or is not visible to these credentials"),
            std::string::npos) << ghost_err;
  auto [missing_repo, missing_out, missing_err] = run({"targets", "add", "octo-org/nothing"});
  EXPECT_FALSE(missing_repo.success());
  EXPECT_NE(missing_err.find("GitHub answered 404"), std::string::npos) << missing_err;
  auto [bad, bad_out, bad_err] = run({"targets", "add", "a/b/c"});
  EXPECT_EQ(bad.code, 2) << bad_err;

  auto [listed, listed_out, listed_err] = run({"targets", "list"});
  EXPECT_TRUE(listed.success()) << listed_err;
  EXPECT_NE(listed_out.find("octo-org\t"), std::string::npos) << listed_out;
  EXPECT_NE(listed_out.find("octo-org/alpha\t"), std::string::npos) << listed_out;
  EXPECT_EQ(listed_out.find("ghost-org"), std::string::npos) << listed_out;

  auto [removed, removed_out, removed_err] = run({"targets", "remove", "octo-org/alpha"});
  EXPECT_TRUE(removed.success()) << removed_err;
  auto [again, again_out, again_err] = run({"targets", "remove", "octo-org/alpha"});
  EXPECT_FALSE(again.success());
  EXPECT_EQ(count("SELECT count(*) FROM github.reconcile_targets"), 1);
}

TEST_F(reconciler_run, a_run_backfills_stars_and_line_counts_and_a_rerun_is_all_304) {
  auto config = reconciler::make_run_config(settings());
  prometheus::Registry registry;
  const auto first = run_pass(config, registry);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].outcome, "complete") << first[0].detail;
  // The listing, three repositories, gamma once more (unknown to the worker: the history
  // resources need its id), five lists of each repository (commits, stargazers, releases, pull
  // requests, issues), the teams' list (none), eight commits.
  const auto recorded = fake_->requests();
  EXPECT_EQ(recorded.size(), 1u + 3u + 1u + 3u * lists_per_repository + 1u + 8u);
  EXPECT_EQ(first[0].requests, static_cast<std::int64_t>(recorded.size()));
  EXPECT_EQ(first[0].not_modified, 0);
  EXPECT_EQ(first[0].gaps.at("repository"), 3);
  EXPECT_EQ(first[0].gaps.at("commit_stats"), 8);
  EXPECT_EQ(first[0].gaps.at("stars"), 42 + 7 + 3);
  EXPECT_EQ(first[0].gaps.at("commits"), 0);
  EXPECT_EQ(first[0].events_published, 3 + 8 + 52);
  EXPECT_EQ(first[0].rate_limit_remaining, fake_->remaining());

  ASSERT_TRUE(line_counts_converged());
  ASSERT_TRUE(wait_until([&] { return count("SELECT count(*) FROM analytics.repository_stars") == 3; }, 60s));
  for (const auto& spec : octo_repositories)
    EXPECT_EQ(count("SELECT stars FROM analytics.repository_stars WHERE repo = 'octo-org/" + spec.name + "'"),
              spec.stargazers) << spec.name;
  EXPECT_EQ(additions_in_analytics(), expected_additions_);
  EXPECT_EQ(deletions_in_analytics(), expected_deletions_);
  EXPECT_GT(expected_additions_, 0);

  // The run's row says what the fake recorded; so do the metrics.
  pqxx::connection connection(url_);
  pqxx::nontransaction work(connection);
  const auto row = work.exec1(
      "SELECT outcome, requests, not_modified, rate_limit_remaining, gaps->>'repository', "
      "gaps->>'commit_stats', events_published, finished_at IS NOT NULL FROM github.reconcile_runs");
  EXPECT_EQ(row[0].as<std::string>(), "complete");
  EXPECT_EQ(row[1].as<long long>(), static_cast<long long>(recorded.size()));
  EXPECT_EQ(row[2].as<long long>(), 0);
  EXPECT_EQ(row[3].as<long long>(), fake_->remaining());
  EXPECT_EQ(row[4].as<long long>(), 3);
  EXPECT_EQ(row[5].as<long long>(), 8);
  EXPECT_EQ(row[6].as<long long>(), 63);
  EXPECT_TRUE(row[7].as<bool>());
  const auto scrape = metrics_scrape::parse(prometheus::TextSerializer().Serialize(registry.Collect()));
  EXPECT_EQ(scrape.value("tributary_reconciler_requests_total"), static_cast<double>(recorded.size()));
  EXPECT_EQ(scrape.value("tributary_reconciler_gaps_total", {{"resource", "commit_stats"}}), 8);
  EXPECT_EQ(scrape.value("tributary_reconciler_events_published_total"), 63);
  EXPECT_EQ(scrape.value("tributary_reconciler_rate_limit_remaining"), static_cast<double>(fake_->remaining()));
  EXPECT_EQ(scrape.value("tributary_reconciler_runs_total", {{"outcome", "complete"}}), 1);
  EXPECT_GT(scrape.value("tributary_reconciler_last_success_timestamp_seconds"), 0);

  // Nothing changed: every request is conditional and answered 304, and nothing is published.
  fake_->clear_requests();
  const auto remaining = fake_->remaining();
  prometheus::Registry second_registry;
  const auto second = run_pass(config, second_registry);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].outcome, "complete") << second[0].detail;
  EXPECT_EQ(second[0].events_published, 0);
  const auto again = fake_->requests();
  EXPECT_EQ(again.size(), 1u + 3u + 3u * lists_per_repository + 1u);
  for (const auto& request : again) {
    EXPECT_EQ(request.status, 304u) << request.target;
    EXPECT_FALSE(request.if_none_match.empty()) << request.target;
  }
  EXPECT_EQ(second[0].not_modified, static_cast<std::int64_t>(again.size()));
  EXPECT_EQ(fake_->remaining(), remaining);
  EXPECT_EQ(count("SELECT count(*) FROM github.deliveries WHERE source = 'reconciler'"), 63);
}

TEST_F(reconciler_run, the_request_budget_stops_a_run_and_the_next_run_continues) {
  // Sixteen requests that cost: the listing, three repositories, gamma once more, nine history
  // lists, the teams' list and alpha's pull requests in the first run; 304s cost nothing, so the
  // second run spends its sixteen on the five lists left and the eight commits (and gamma once
  // more if the worker has not folded it yet), and finishes.
  auto config = reconciler::make_run_config(settings({{"RECONCILE_REQUEST_BUDGET", "16"}}));
  std::set<std::string> commits_asked;
  std::vector<std::string> outcomes;
  for (int run = 0; run < 5 && (outcomes.empty() || outcomes.back() != "complete"); ++run) {
    fake_->clear_requests();
    prometheus::Registry registry;
    const auto records = run_pass(config, registry);
    ASSERT_EQ(records.size(), 1u);
    outcomes.push_back(records[0].outcome);
    for (const auto& request : fake_->requests())
      if (request.target.find("/commits/") != std::string::npos) {
        EXPECT_TRUE(commits_asked.insert(request.target).second) << "asked twice: " << request.target;
      }
    // The worker folds what this run published before the next run looks.
    const auto expected_left = std::max<long long>(0, 8 - static_cast<long long>(commits_asked.size()));
    ASSERT_TRUE(wait_until([&] {
      return count("SELECT count(*) FROM github.commits WHERE additions IS NULL") == expected_left;
    }, 60s));
  }
  EXPECT_EQ(outcomes, (std::vector<std::string>{"budget_exhausted", "complete"}));
  EXPECT_EQ(commits_asked.size(), 8u);
  EXPECT_EQ(additions_in_analytics(), expected_additions_);
  EXPECT_EQ(count("SELECT count(*) FROM github.reconcile_runs WHERE outcome = 'budget_exhausted' "
                  "AND detail LIKE '%next run%'"), 1);
}

TEST_F(reconciler_run, the_budget_holds_for_the_whole_pass_not_for_each_target) {
  auto config = reconciler::make_run_config(settings(
      {{"RECONCILE_TARGETS", "octo-org/alpha,octo-org/beta"}, {"RECONCILE_REQUEST_BUDGET", "4"}}));
  prometheus::Registry registry;
  const auto records = run_pass(config, registry);
  ASSERT_EQ(records.size(), 2u);
  // alpha: its repository and its three history lists; beta: nothing left.
  EXPECT_EQ(records[0].target, "octo-org/alpha");
  EXPECT_EQ(records[0].outcome, "budget_exhausted");
  EXPECT_EQ(records[0].requests, 4);
  EXPECT_EQ(records[1].outcome, "budget_exhausted");
  EXPECT_EQ(records[1].requests, 0);
  EXPECT_EQ(fake_->requests().size(), 4u);
}

TEST_F(reconciler_run, two_reconcilers_started_together_never_work_one_target_at_once) {
  const std::map<std::string, std::string> changes{
      {"RECONCILE_TARGETS", "octo-org,octo-org/alpha,octo-org/beta,octo-org/gamma"}};
  auto first = reconciler_process({"--once"}, changes);
  auto second = reconciler_process({"--once"}, changes);
  const auto first_status = first.wait_for_exit(120s);
  const auto second_status = second.wait_for_exit(120s);
  ASSERT_TRUE(first_status && second_status);
  EXPECT_TRUE(first_status->success()) << first.stderr_text() << first.stdout_text();
  EXPECT_TRUE(second_status->success()) << second.stderr_text() << second.stdout_text();

  pqxx::connection connection(url_);
  pqxx::nontransaction work(connection);
  EXPECT_EQ(work.exec1("SELECT count(*) FROM github.reconcile_runs")[0].as<long long>(), 8);
  EXPECT_EQ(work.exec1("SELECT count(*) FROM github.reconcile_runs WHERE outcome NOT IN "
                       "('complete', 'skipped_locked')")[0].as<long long>(), 0);
  // Two rows of one target that both worked it never overlap in time.
  EXPECT_EQ(work.exec1("SELECT count(*) FROM github.reconcile_runs a JOIN github.reconcile_runs b "
                       "ON a.target = b.target AND a.id < b.id "
                       "WHERE a.outcome <> 'skipped_locked' AND b.outcome <> 'skipped_locked' "
                       "AND tstzrange(a.started_at, a.finished_at) && "
                       "tstzrange(b.started_at, b.finished_at)")[0].as<long long>(), 0);
  const auto skipped = work.exec1("SELECT count(*) FROM github.reconcile_runs WHERE outcome = "
                                  "'skipped_locked'")[0].as<long long>();
  if (skipped > 0) {
    const auto output = first.stdout_text() + second.stdout_text() + first.stderr_text() + second.stderr_text();
    EXPECT_NE(output.find("another reconciler is working on it"), std::string::npos);
  }
  ASSERT_TRUE(line_counts_converged());
  EXPECT_EQ(additions_in_analytics(), expected_additions_);
}

TEST_F(reconciler_run, the_process_serves_health_and_metrics_runs_on_its_interval_and_stops_on_sigterm) {
  auto process = reconciler_process({}, {{"RECONCILE_INTERVAL", "1h"}});
  const auto port = metrics_port_of(process);
  ASSERT_TRUE(process.wait_for_output("\"pass finished\"", 60s)) << process.stderr_text();
  EXPECT_EQ(http_status(port, "/healthz"), 200u);
  EXPECT_EQ(http_status(port, "/readyz"), 200u);
  const auto recorded = fake_->requests();
  const auto scrape = metrics_scrape::fetch(port);
  EXPECT_EQ(scrape.value("tributary_reconciler_requests_total"), static_cast<double>(recorded.size()));
  EXPECT_EQ(scrape.value("tributary_reconciler_not_modified_total"), 0);
  EXPECT_EQ(scrape.value("tributary_reconciler_gaps_total", {{"resource", "repository"}}), 3);
  EXPECT_EQ(scrape.value("tributary_reconciler_events_published_total"), 63);
  EXPECT_EQ(scrape.value("tributary_reconciler_rate_limit_remaining"), static_cast<double>(fake_->remaining()));
  EXPECT_EQ(scrape.value("tributary_reconciler_runs_total", {{"outcome", "complete"}}), 1);
  EXPECT_GT(scrape.value("tributary_reconciler_run_duration_seconds"), 0);
  {
    pqxx::connection connection(url_);
    pqxx::nontransaction work(connection);
    const auto row = work.exec1("SELECT requests, events_published, outcome FROM github.reconcile_runs");
    EXPECT_EQ(row[0].as<long long>(), static_cast<long long>(recorded.size()));
    EXPECT_EQ(row[1].as<long long>(), 63);
    EXPECT_EQ(row[2].as<std::string>(), "complete");
  }
  // Waiting for the next run, it stops at once on SIGTERM.
  process.send_signal(SIGTERM);
  const auto status = process.wait_for_exit(30s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->success()) << process.stderr_text();
  ASSERT_TRUE(line_counts_converged());
}

TEST_F(reconciler_run, what_a_run_costs_for_an_organisation_of_250_repositories) {
  fake_->edit([](fake_github_content& content) {
    content.add_organization("big-org");
    for (int index = 0; index < 250; ++index)
      content.add_repository({"big-org", "repo-" + std::to_string(index), 0, 0, index % 5});
  });
  auto config = reconciler::make_run_config(settings({{"RECONCILE_TARGETS", "big-org"}}));
  prometheus::Registry registry;
  const auto first = run_pass(config, registry);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].outcome, "complete") << first[0].detail;
  // Three pages of 100 repositories, then one GET per repository, five lists per repository and
  // the teams' list; and a second GET of each repository the worker had not folded yet when the
  // history resources came to it (its repository event was published moments before: how many
  // depends on how fast the worker is).
  const auto recorded = fake_->requests();
  const auto repository_reads = static_cast<std::size_t>(
      std::count_if(recorded.begin(), recorded.end(), [](const recorded_request& request) {
        return std::regex_match(request.target, std::regex(".*/repos/big-org/repo-[0-9]+"));
      }));
  EXPECT_GE(repository_reads, 250u);
  EXPECT_LE(repository_reads, 500u);
  EXPECT_EQ(recorded.size(), 3u + repository_reads + 250u * lists_per_repository + 1u);
  EXPECT_EQ(first[0].gaps.at("repository"), 250);
  ASSERT_TRUE(wait_until([&] {
    return count("SELECT count(*) FROM analytics.repository_stars WHERE owner = 'big-org'") == 250;
  }, 60s)) << diagnosis();
  fake_->clear_requests();
  const auto remaining = fake_->remaining();
  const auto second = run_pass(config, registry);
  EXPECT_EQ(second[0].outcome, "complete") << second[0].detail;
  EXPECT_EQ(second[0].not_modified, static_cast<std::int64_t>(3u + 250u + 250u * lists_per_repository + 1u));
  EXPECT_EQ(second[0].events_published, 0);
  EXPECT_EQ(fake_->remaining(), remaining);  // 304s cost no rate limit
  std::cout << "big-org (250 repositories): first run " << first[0].requests << " requests, "
            << first[0].duration_seconds << " s; second run " << second[0].requests
            << " requests, all 304, " << second[0].duration_seconds << " s\n";
}

}  // namespace
}  // namespace tributary::testing
