#include "tests/reconciler/reconcile_pipeline.hpp"

#include "tests/harness/broker_control.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <csignal>

namespace tributary::testing {

using namespace std::chrono_literals;

pipeline::pipeline(const std::string& prefix, int partitions,
                   const std::map<std::string, std::string>& worker_environment)
    : url(migrated_database(prefix)), topic(fresh_topic(prefix, partitions)) {
  auto options = worker_options(url, topic, unique_name("group"));
  for (const auto& [name, value] : worker_environment) options.environment[name] = value;
  worker = std::make_unique<child_process>(options);
}

long long pipeline::count(const std::string& query) const { return count_of(url, query); }

std::string pipeline::diagnosis() const {
  std::string text = "worker stderr:\n" + worker->stderr_text().substr(0, 4000) + "\ndead letters:\n";
  pqxx::connection connection(url);
  pqxx::nontransaction work(connection);
  for (const auto& row : work.exec("SELECT coalesce(delivery_id, '-'), reason FROM github.dead_letters LIMIT 5"))
    text += row[0].as<std::string>() + ": " + row[1].as<std::string>() + "\n";
  return text;
}

bool pipeline::folded(long long deliveries) const {
  const auto ledger = [&] { return count("SELECT count(*) FROM github.deliveries"); };
  const bool done = wait_until([&] {
    return ledger() + count("SELECT count(*) FROM github.dead_letters") >= deliveries;
  }, 60s);
  const auto dead = count("SELECT count(*) FROM github.dead_letters");
  EXPECT_EQ(dead, 0) << diagnosis();
  return done && dead == 0 && ledger() == deliveries;
}

void pipeline::feed(const std::vector<delivery>& items) {
  publish(topic, items, -1);
  ASSERT_TRUE(folded(static_cast<long long>(items.size()))) << diagnosis();
}

std::vector<delivery> half_delivered_since_the_hook(const std::vector<delivery>& all) {
  std::vector<delivery> part;
  for (std::size_t index = 0; index < all.size(); ++index)
    if (all[index].received_at >= "2025-11-20" && index % 2 == 0) part.push_back(all[index]);
  return part;
}

child_options reconcile_once(const pipeline& into, const std::string& github_url, const std::string& target) {
  child_options options{{required_environment("TRIBUTARY_BUILD_DIR") + "/reconciler/tributary-reconciler",
                         "--once"},
                        {}};
  options.environment = {{"KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers()},
                         {"KAFKA_TOPIC", into.topic},
                         {"DATABASE_URL", into.url},
                         {"METRICS_LISTEN", "127.0.0.1:0"},
                         {"GITHUB_API_URL", github_url},
                         {"GITHUB_TOKEN", "test-token"},
                         {"RECONCILE_TARGETS", target},
                         {"LOG_LEVEL", "warning"}};
  return options;
}

long long run_row::gaps_of(const std::string& resource) const {
  const auto found = gaps.find(resource);
  return found == gaps.end() ? 0 : found->second;
}

run_row latest_run(const pipeline& into) {
  run_row run;
  pqxx::connection connection(into.url);
  pqxx::nontransaction work(connection);
  const auto row = work.exec1(
      "SELECT outcome, coalesce(detail, ''), requests, not_modified, events_published "
      "FROM github.reconcile_runs ORDER BY id DESC LIMIT 1");
  run.outcome = row[0].as<std::string>();
  run.detail = row[1].as<std::string>();
  run.requests = row[2].as<long long>();
  run.not_modified = row[3].as<long long>();
  run.published = row[4].as<long long>();
  for (const auto& gap : work.exec("SELECT key, value::bigint FROM jsonb_each_text((SELECT gaps "
                                   "FROM github.reconcile_runs ORDER BY id DESC LIMIT 1))"))
    run.gaps[gap[0].as<std::string>()] = gap[1].as<long long>();
  return run;
}

run_row run_reconciler(const child_options& options, const pipeline& into) {
  child_process run(options);
  const auto status = run.wait_for_exit(180s);
  if (!status) {
    run.send_signal(SIGKILL);
    ADD_FAILURE() << "the reconciler did not finish:\n" << run.stderr_text();
  } else if (!status->success()) {
    ADD_FAILURE() << "the reconciler failed:\n" << run.stderr_text() << run.stdout_text();
  }
  return latest_run(into);
}

std::map<std::string, std::vector<std::string>> comparable_analytics(const std::string& url) {
  auto snapshot = analytics_snapshot(url);
  for (auto& row : snapshot["repository_stars"]) row = row.substr(0, row.rfind('|'));
  return snapshot;
}

}  // namespace tributary::testing
