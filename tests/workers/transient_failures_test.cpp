// The batch applier against PostgreSQL failures that are nobody's data: a deadlock the worker's
// batch is chosen to break (SQLSTATE 40P01) and a connection terminated in the middle of the
// batch's transaction. Each is made deterministic by test connections that hold the ledger rows
// the batch needs; each batch is retried and commits exactly the lifecycle's numbers.
#include "tests/harness/services.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/workers/applier_fixture.hpp"
#include "tests/workers/database_faults.hpp"

#include <gtest/gtest.h>

#include <future>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

/// A transaction of its own that has inserted `delivery_id` into the ledger and not committed:
/// the batch's insert of the same id waits for it (ON CONFLICT must know whether it commits).
struct ledger_row_holder {
  ledger_row_holder(const std::string& url, const std::string& delivery_id) : connection(url) {
    work = std::make_unique<pqxx::work>(connection);
    pid = work->exec1("SELECT pg_backend_pid()")[0].as<int>();
    // This session never breaks a deadlock itself: the worker's session (1 s) detects it first.
    work->exec("SET LOCAL deadlock_timeout = '60s'");
    hold(delivery_id);
  }
  void hold(const std::string& delivery_id) {
    work->exec_params("INSERT INTO github.deliveries (delivery_id, event, source, received_at, "
                      "folded) VALUES ($1, 'ping', 'webhook', now(), false)",
                      delivery_id);
  }
  void release() { work->abort(); }

  pqxx::connection connection;
  std::unique_ptr<pqxx::work> work;
  int pid = 0;
};

bool backend_waits_on_lock(const std::string& url, int pid) {
  return count_of(url, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + std::to_string(pid) +
                           " AND wait_event_type = 'Lock'") == 1;
}

long long deadlocks_of(const std::string& url) {
  return count_of(url, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
}

TEST(transient_failures, a_deadlock_the_batch_loses_is_retried_and_the_batch_commits) {
  applier_on_fresh_database database("workers_deadlock");
  const auto items = build_lifecycle();
  const auto messages = to_messages(items);
  const auto deadlocks_before = deadlocks_of(database.url);

  // The batch inserts its ledger rows in order: d0, d1, d2, ... A deadlock in which the worker
  // is the last to wait (so its session is the one that detects it and aborts):
  //   holder_b has d1, holder_a has d2; the batch takes d0 and waits for d1 (holder_b);
  //   holder_a asks for d0 and waits for the batch; holder_b lets go; the batch takes d1 and
  //   asks for d2: batch -> holder_a -> batch.
  ledger_row_holder holder_a(database.url, items[2].delivery_id);
  ledger_row_holder holder_b(database.url, items[1].delivery_id);
  auto applied = std::async(std::launch::async, [&] { return database.apply(messages); });
  ASSERT_TRUE(wait_until([&] { return worker_backends_waiting_on_locks(database.url) == 1; }, 30s));

  auto holder_a_waits = std::async(std::launch::async, [&] {
    holder_a.hold(items[0].delivery_id);  // returns once the batch's transaction is aborted
    holder_a.release();
  });
  ASSERT_TRUE(wait_until([&] { return backend_waits_on_lock(database.url, holder_a.pid); }, 30s));
  holder_b.release();

  ASSERT_EQ(holder_a_waits.wait_for(60s), std::future_status::ready);
  holder_a_waits.get();
  ASSERT_EQ(applied.wait_for(60s), std::future_status::ready);
  const auto outcome = applied.get();

  EXPECT_GE(outcome.retries.count("transient") ? outcome.retries.at("transient") : 0u, 1u);
  EXPECT_EQ(outcome.retries.count("connection"), 0u);
  EXPECT_EQ(outcome.folded_total(), items.size());
  EXPECT_EQ(outcome.dead_letters_total(), 0u);
  EXPECT_EQ(outcome.splits, 0u);  // a deadlock is not the data's fault
  EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries"), 21);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.webhook_events"), 21);
  // PostgreSQL counted the deadlock (its statistics are flushed within seconds).
  EXPECT_TRUE(wait_until([&] { return deadlocks_of(database.url) == deadlocks_before + 1; }, 30s,
                         200ms))
      << deadlocks_of(database.url);
}

TEST(transient_failures, a_connection_terminated_mid_transaction_is_reopened_and_nothing_lost) {
  applier_on_fresh_database database("workers_terminated_mid_batch");
  const auto items = build_lifecycle();
  const auto messages = to_messages(items);
  database.apply({messages.begin(), messages.begin() + 5});

  // The next batch has written part of its ledger rows when it is made to wait; then its
  // backend is terminated, inside the open transaction.
  ledger_row_holder holder(database.url, items[8].delivery_id);
  auto applied = std::async(std::launch::async, [&] {
    return database.apply({messages.begin() + 5, messages.end()});
  });
  ASSERT_TRUE(wait_until([&] { return worker_backends_waiting_on_locks(database.url) == 1; }, 30s));
  EXPECT_EQ(terminate_worker_backends(database.url), 1);
  holder.release();
  ASSERT_EQ(applied.wait_for(60s), std::future_status::ready);
  const auto outcome = applied.get();

  EXPECT_GE(outcome.retries.count("connection") ? outcome.retries.at("connection") : 0u, 1u);
  EXPECT_EQ(outcome.folded_total(), items.size() - 5);
  EXPECT_EQ(outcome.duplicates, 0u);
  EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries"), 21);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.webhook_events"), 21);
}

TEST(transient_failures, a_lock_timeout_is_retried_until_the_lock_is_released) {
  applier_on_fresh_database database("workers_lock_timeout");
  {
    pqxx::connection target(database.url);
    pqxx::nontransaction work(target);
    // Taken by the sessions opened after it, not by this one.
    work.exec("ALTER DATABASE " + target.quote_name(target.dbname()) + " SET lock_timeout = '100ms'");
  }
  database.session.reset();  // the next connection takes the database's setting
  const auto items = build_lifecycle();
  table_lock lock(database.url, "github.deliveries");
  auto applied = std::async(std::launch::async, [&] { return database.apply(to_messages(items)); });
  // Each attempt waits 100 ms for the lock and fails with 55P03; a few of them, then the lock goes.
  std::this_thread::sleep_for(1500ms);
  lock.release();
  ASSERT_EQ(applied.wait_for(60s), std::future_status::ready);
  const auto outcome = applied.get();
  EXPECT_GE(outcome.retries.count("transient") ? outcome.retries.at("transient") : 0u, 2u);
  EXPECT_EQ(outcome.folded_total(), items.size());
  EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());
}

}  // namespace
}  // namespace tributary::testing
