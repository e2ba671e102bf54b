// tributary-worker as a process while its database misbehaves mid-stream: its backend
// terminated (twice), lock timeouts on the ledger (transient failures), and the database refusing
// connections for a while. It retries and reconnects until everything is applied, loses and
// double-counts nothing, and says so in its metrics.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/database_faults.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <csignal>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

/// Runs ALTER DATABASE from the `postgres` database (the database may refuse connections).
void alter_database(const std::string& name, const std::string& change) {
  pqxx::connection admin(services().database_url());
  pqxx::nontransaction work(admin);
  work.exec("ALTER DATABASE " + admin.quote_name(name) + " " + change);
}

TEST(worker_outage, the_database_going_away_mid_stream_loses_nothing) {
  // The stream in four parts, each published once the fault before it is in place, so that
  // every fault meets batches still to apply (the worker is faster than any test's timing).
  const auto stream = the_stream();
  const auto part = [&](std::size_t from, std::size_t to) {
    return std::vector<delivery>(stream.begin() + static_cast<std::ptrdiff_t>(from),
                                 stream.begin() + static_cast<std::ptrdiff_t>(std::min(to, stream.size())));
  };
  const auto topic = fresh_topic("workers_outage", 6);
  publish(topic, part(0, 100), 5);
  const auto url = migrated_database("workers_outage");
  const std::string name = pqxx::connection(url).dbname();
  // A batch waits at most 200 ms for a lock, then fails with 55P03 (a transient failure).
  alter_database(name, "SET lock_timeout = '200ms'");

  child_process worker(worker_options(url, topic, unique_name("group")));
  const auto port = metrics_port_of(worker);
  const auto retries = [&](const char* kind) {
    return metrics_scrape::fetch(port).value("tributary_worker_transaction_retries_total",
                                             {{"kind", kind}});
  };
  ASSERT_TRUE(wait_until([&] { return settled(url) >= 101; }, 120s)) << worker.stderr_text();

  // 1. Its backend is terminated, twice: the next batch finds the connection broken.
  EXPECT_EQ(terminate_worker_backends(url), 1);
  publish(topic, part(100, 200), -1);
  ASSERT_TRUE(wait_until([&] { return settled(url) >= 201; }, 120s)) << worker.stderr_text();
  EXPECT_GE(retries("connection"), 1);
  EXPECT_EQ(terminate_worker_backends(url), 1);

  // 2. The ledger is locked: each attempt times out and is retried until the lock goes.
  {
    table_lock lock(url, "github.deliveries");
    publish(topic, part(200, 300), -1);
    ASSERT_TRUE(wait_until([&] { return retries("transient") >= 3; }, 60s)) << worker.stderr_text();
    EXPECT_EQ(settled(url), 201);  // nothing got past the lock
  }
  ASSERT_TRUE(wait_until([&] { return settled(url) >= 301; }, 120s)) << worker.stderr_text();
  EXPECT_GE(retries("connection"), 2);

  // 3. The database refuses connections for a while, and its backend is terminated meanwhile.
  const auto connection_retries = retries("connection");
  {
    pqxx::connection connection(url);  // opened before: it can still terminate the worker's
    alter_database(name, "ALLOW_CONNECTIONS false");
    pqxx::nontransaction work(connection);
    work.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
              "current_database() AND application_name = 'tributary-worker'");
    publish(topic, part(300, stream.size()), -1);
    ASSERT_TRUE(wait_until([&] { return retries("connection") >= connection_retries + 3; }, 60s))
        << worker.stderr_text();
    EXPECT_TRUE(worker.is_running());
  }
  alter_database(name, "ALLOW_CONNECTIONS true");

  ASSERT_TRUE(wait_until([&] { return settled(url) >= stream_deliveries + 1; }, 180s))
      << worker.stderr_text();
  expect_complete(url);
  EXPECT_EQ(analytics_snapshot(url), stream_snapshot());
  const auto scrape = metrics_scrape::fetch(port);
  EXPECT_EQ(scrape.value("tributary_worker_dead_letters_total", {{"cause", "envelope"}}), 1);
  EXPECT_EQ(scrape.value("tributary_worker_dead_letters_total", {{"cause", "database"}}), 0);
  EXPECT_EQ(scrape.value("tributary_worker_dead_letters_total", {{"cause", "payload"}}), 0);
  EXPECT_EQ(scrape.value("tributary_worker_batch_splits_total"), 0);

  worker.send_signal(SIGTERM);
  const auto status = worker.wait_for_exit(30s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success()) << worker.stderr_text();
}

}  // namespace
}  // namespace tributary::testing
