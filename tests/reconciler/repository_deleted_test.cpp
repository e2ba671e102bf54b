// A repository deleted on GitHub: an organisation's last listing had it, this one does not, and
// GET /repos/{owner}/{repo} answers 404; the reconciler publishes a `repository` event with action
// `deleted` built from what the database knows, and a tributary-worker marks the row deleted.
#include "core/kafka_producer.hpp"
#include "reconciler/reconcile_run.hpp"
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/reconciler/fake_github.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

void serve(fake_github& fake, const std::vector<std::string>& names) {
  fake.edit([&](fake_github_content& content) {
    content = fake_github_content{};
    content.add_organization("octo-org");
    for (const auto& name : names) content.add_repository({"octo-org", name, 0, 0, 4});
  });
}

TEST(repository_deleted, a_repository_gone_from_the_listing_and_answering_404_is_reported_deleted_once) {
  fake_github fake;
  serve(fake, {"alpha", "beta", "gone"});
  const auto url = migrated_database("repository_deleted");
  const auto topic = fresh_topic("repository_deleted", 1);
  child_process worker(worker_options(url, topic, unique_name("group")));

  std::map<std::string, std::string> values{{"KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers()},
                                            {"DATABASE_URL", url},
                                            {"GITHUB_API_URL", fake.url()},
                                            {"GITHUB_TOKEN", "test-token"},
                                            {"RECONCILE_TARGETS", "octo-org"}};
  const auto specs = reconciler::reconciler_setting_specs();
  const auto settings = core::settings::load(specs, {}, values);
  const auto github = reconciler::make_github_config(settings);
  const auto config = reconciler::make_run_config(settings);
  pqxx::connection database(url);
  core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
  reconciler::event_publisher publisher(producer, topic);
  const std::atomic<bool> stopping{false};
  const core::logger log("reconciler");
  reconciler::run_environment environment{github, config, database, publisher, nullptr, stopping, log, {}};
  const auto count = [&](const std::string& query) { return count_of(url, query); };

  // Run 1: the three repositories are backfilled.
  const auto first = reconciler::run_pass(environment);
  ASSERT_EQ(first.at(0).outcome, "complete") << first[0].detail;
  ASSERT_TRUE(wait_until([&] { return count("SELECT count(*) FROM github.repositories") == 3; }, 60s))
      << worker.stderr_text();

  // Run 2: gone was deleted on GitHub.
  serve(fake, {"alpha", "beta"});
  fake.clear_requests();
  const auto second = reconciler::run_pass(environment);
  ASSERT_EQ(second.at(0).outcome, "complete") << second[0].detail;
  EXPECT_EQ(second[0].gaps.at("repository"), 1);
  EXPECT_EQ(second[0].events_published, 1);
  std::vector<std::string> asked;
  for (const auto& request : fake.requests()) asked.push_back(request.target + " " + std::to_string(request.status));
  EXPECT_NE(std::find(asked.begin(), asked.end(), "/repos/octo-org/gone 404"), asked.end());
  ASSERT_TRUE(wait_until([&] {
    return count("SELECT count(*) FROM github.repositories WHERE deleted AND full_name = 'octo-org/gone'") == 1;
  }, 60s)) << worker.stderr_text();
  EXPECT_EQ(count("SELECT count(*) FROM github.repositories WHERE deleted"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM github.deliveries WHERE delivery_id LIKE "
                  "'reconciler:repository-deleted:%' AND source = 'reconciler' AND action = 'deleted'"),
            1);
  EXPECT_EQ(count("SELECT gaps FROM github.reconcile_repository_gaps WHERE repository = 'octo-org/gone' "
                  "AND run_row = (SELECT max(id) FROM github.reconcile_runs)"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM analytics.repository_stars WHERE repo = 'octo-org/gone'"), 0);

  // Run 3: nothing new; gone is not asked again.
  fake.clear_requests();
  const auto third = reconciler::run_pass(environment);
  ASSERT_EQ(third.at(0).outcome, "complete") << third[0].detail;
  EXPECT_EQ(third[0].events_published, 0);
  for (const auto& request : fake.requests()) EXPECT_NE(request.target, "/repos/octo-org/gone");
}

}  // namespace
}  // namespace tributary::testing
