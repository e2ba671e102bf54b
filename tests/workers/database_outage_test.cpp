// tributary-worker while the whole PostgreSQL server is down (stopped with services.sh pg-stop,
// started again with pg-start): for longer than max.poll.interval.ms while deliveries keep
// arriving, and from before the worker starts. It never exits, says it is not ready meanwhile,
// and once PostgreSQL is back it folds every delivery exactly once. Stops the database of every
// test: this binary is RUN_SERIAL.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/database.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/applier_fixture.hpp"
#include "tests/workers/database_outage.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <iostream>
#include <thread>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

constexpr auto max_poll_interval = 8s;  // the tests' session timeout is 6 s, which it must exceed

double sum_of(const metrics_scrape& scrape, const std::string& name) {
  double total = 0;
  for (const auto& sample : scrape.all(name)) total += sample.value;
  return total;
}

TEST(database_outage, longer_than_max_poll_interval_keeps_the_worker_and_loses_nothing) {
  const auto stream = the_stream();
  const auto part = [&](std::size_t from, std::size_t to) {
    return std::vector<delivery>(stream.begin() + static_cast<std::ptrdiff_t>(from),
                                 stream.begin() + static_cast<std::ptrdiff_t>(std::min(to, stream.size())));
  };
  const auto topic = fresh_topic("workers_pg_outage", 6);
  const auto url = migrated_database("workers_pg_outage");
  stream_snapshot();  // what the worker must give, computed while PostgreSQL is up

  auto options = worker_options(url, topic, unique_name("group"));
  options.environment["KAFKA_MAX_POLL_INTERVAL_MS"] =
      std::to_string(std::chrono::milliseconds(max_poll_interval).count());
  child_process worker(options);
  const auto port = metrics_port_of(worker);
  EXPECT_EQ(http_status(port, "/readyz"), 200u);
  publish(topic, part(0, 120), 5);
  ASSERT_TRUE(wait_until([&] { return settled(url) >= 121; }, 120s)) << worker.stderr_text();

  {
    postgres_stopped outage;
    const auto stopped_at = clock::now();
    // Deliveries keep arriving: the worker's next batch meets the outage.
    publish(topic, part(120, 240), -1);
    ASSERT_TRUE(wait_until([&] { return http_status(port, "/readyz") == 503; }, 60s))
        << worker.stderr_text();
    EXPECT_TRUE(worker.wait_for_output("partitions paused", 30s)) << worker.stderr_text();
    // More arrive halfway through, and the outage lasts 2.5 times max.poll.interval.ms.
    std::this_thread::sleep_until(stopped_at + max_poll_interval);
    publish(topic, part(240, stream.size()), -1);
    while (clock::now() < stopped_at + max_poll_interval * 5 / 2) {
      ASSERT_TRUE(worker.is_running()) << worker.stderr_text();
      EXPECT_EQ(http_status(port, "/readyz"), 503u);
      std::this_thread::sleep_for(1s);
    }
    EXPECT_EQ(http_status(port, "/healthz"), 200u);  // alive, only not ready
    EXPECT_GT(metrics_scrape::fetch(port).value("tributary_worker_transaction_retries_total",
                                                {{"kind", "connection"}}),
              5);
    outage.start();
  }

  ASSERT_TRUE(wait_until([&] { return settled(url) >= stream_deliveries + 1; }, 180s))
      << worker.stderr_text();
  EXPECT_TRUE(wait_until([&] { return http_status(port, "/readyz") == 200; }, 30s));
  EXPECT_TRUE(worker.is_running());
  expect_complete(url);
  EXPECT_EQ(analytics_snapshot(url), stream_snapshot());
  // Folded exactly once: the counters (after commit) equal the ledger's rows, and only the
  // stream's own 21 redeliveries were duplicates.
  const auto scrape = metrics_scrape::fetch(port);
  EXPECT_EQ(sum_of(scrape, "tributary_worker_events_folded_total"),
            static_cast<double>(count_of(url, "SELECT count(*) FROM github.deliveries WHERE folded")));
  EXPECT_EQ(scrape.value("tributary_worker_duplicate_deliveries_total"), 21);
  // It kept its membership: librdkafka never saw the poll interval exceeded, and the member
  // never lost its partitions.
  const auto log = worker.stderr_text();
  EXPECT_EQ(log.find("maximum poll interval"), std::string::npos) << log;
  EXPECT_EQ(lines_with(log, "partitions revoked"), 0u);
  EXPECT_GE(lines_with(log, "partitions resumed"), 1u);
  EXPECT_GE(lines_with(log, "database available again"), 1u);

  worker.send_signal(SIGTERM);
  const auto status = worker.wait_for_exit(30s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success()) << worker.stderr_text();
}

TEST(database_outage, a_worker_started_while_the_database_is_down_waits_then_works) {
  const auto topic = fresh_topic("workers_pg_start", 3);
  const auto url = migrated_database("workers_pg_start");
  publish(topic, build_lifecycle(), -1);
  const auto group = unique_name("group");
  std::optional<child_process> worker;
  {
    postgres_stopped outage;
    worker.emplace(worker_options(url, topic, group));
    ASSERT_TRUE(wait_until([&] {
      return lines_with(worker->stderr_text(), "database unavailable at start, waiting") >= 3;
    }, 60s)) << worker->stderr_text();
    const auto port = health_port_in(worker->stderr_text());
    ASSERT_NE(port, 0) << worker->stderr_text();
    EXPECT_EQ(http_status(port, "/readyz"), 503u);
    EXPECT_EQ(http_status(port, "/healthz"), 200u);
    EXPECT_TRUE(worker->is_running());
    // It has not joined the group yet: nothing to hold while it can't apply anything.
    EXPECT_EQ(lines_with(worker->stderr_text(), "partitions assigned"), 0u);

    // A stop while it waits ends it at once, cleanly.
    child_process stopped(worker_options(url, topic, unique_name("group")));
    ASSERT_TRUE(stopped.wait_for_output("database unavailable at start, waiting", 60s));
    stopped.send_signal(SIGTERM);
    const auto status = stopped.wait_for_exit(10s);
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->success()) << stopped.stderr_text();
    EXPECT_NE(stopped.stderr_text().find("stopped before the database was available"),
              std::string::npos);
    outage.start();
  }

  ASSERT_TRUE(worker->wait_for_output("\"database available\"", 60s)) << worker->stderr_text();
  const auto port = metrics_port_of(*worker);
  ASSERT_TRUE(wait_until([&] { return settled(url) >= 21; }, 120s)) << worker->stderr_text();
  EXPECT_EQ(http_status(port, "/readyz"), 200u);
  EXPECT_EQ(analytics_snapshot(url), expected_lifecycle_snapshot());
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.deliveries"), 21);

  worker->send_signal(SIGTERM);
  const auto status = worker->wait_for_exit(30s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success()) << worker->stderr_text();
}

TEST(database_outage, a_database_at_another_schema_is_no_outage_and_ends_the_worker_at_once) {
  // Reachable but never migrated: waiting would not help, so it exits 1 with one line.
  const auto url = create_database("workers_unmigrated");
  child_process worker(worker_options(url, fresh_topic("workers_unmigrated", 1), unique_name("group")));
  const auto status = worker.wait_for_exit(30s);
  ASSERT_TRUE(status) << worker.stderr_text();
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->code, 1);
  const auto log = worker.stderr_text();
  EXPECT_NE(log.find("tributary-worker: the database lacks migration 1"), std::string::npos) << log;
  EXPECT_EQ(lines_with(log, "waiting"), 0u) << log;
}

}  // namespace
}  // namespace tributary::testing
