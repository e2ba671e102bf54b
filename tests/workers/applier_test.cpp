// The batch applier against a real PostgreSQL: GitHub's examples, the lifecycle's exact numbers,
// and the same numbers whatever duplicates, order or batching the deliveries come in.
#include "tests/workers/applier_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace tributary::testing {
namespace {

using workers::incoming_message;

TEST(applier, every_example_folds_or_is_kept_raw) {
  applier_on_fresh_database database("workers_examples");
  const auto items = example_deliveries();
  const auto outcome = database.apply(to_messages(items));

  std::size_t folded_examples = 0;
  for (const auto& item : items) folded_examples += workers::is_folded(item.event) ? 1 : 0;
  EXPECT_EQ(folded_examples, 155u);  // 20 folded families
  // No example is dead-lettered: none has a defect the folds can't take.
  std::vector<std::string> dead;
  pqxx::connection connection(database.url);
  pqxx::work work(connection);
  for (const auto& row : work.exec("SELECT coalesce(event, '?') || ': ' || reason FROM github.dead_letters"))
    dead.push_back(row[0].c_str());
  EXPECT_THAT(dead, ::testing::IsEmpty());
  EXPECT_EQ(outcome.folded_total(), folded_examples);
  EXPECT_EQ(outcome.skipped, items.size() - folded_examples);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries"), 329);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries WHERE folded"), 155);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.webhook_events"), 329);
  // The raw rows are GitHub's bodies, byte for byte.
  for (const auto& item : items)
    EXPECT_EQ(work.exec_params1("SELECT payload FROM github.webhook_events WHERE delivery_id = $1",
                                item.delivery_id)[0]
                  .as<std::string>(),
              item.payload)
        << item.delivery_id;
  // Entities from the examples (ids as GitHub gave them).
  EXPECT_EQ(database.count("SELECT count(*) FROM github.pull_requests WHERE id = 279147437 "
                           "AND additions = 1 AND changed_files = 1"),
            1);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.commits"), 1);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.pull_request_reviews"), 1);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.workflow_runs"), 2);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deployment_statuses"), 1);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.team_members"), 1);
  EXPECT_GT(database.count("SELECT count(*) FROM github.installations"), 0);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.issues WHERE transferred"), 1);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.issues WHERE deleted"), 1);

  // Everything again: every delivery id is in the ledger, nothing changes.
  const auto before = analytics_snapshot(database.url);
  const auto again = database.apply(to_messages(items));
  EXPECT_EQ(again.duplicates, items.size());
  EXPECT_EQ(again.folded_total(), 0u);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.webhook_events"), 329);
  EXPECT_EQ(analytics_snapshot(database.url), before);
}

TEST(applier, raw_rows_keep_every_byte_that_copy_must_escape) {
  applier_on_fresh_database database("workers_raw_bytes");
  // JSON whitespace may be a tab, CR or LF; strings hold backslash escapes and any UTF-8.
  const std::vector<std::string> bodies = {
      "{\"a\":\"back\\\\slash \\n \\t \\\"quoted\\\"\"}",
      "{\r\n\t\"a\" :\t[1,\r\n 2],\n\"b\\\\\":\"\\\\N\"}\n",
      "{\"text\":\"caf\xc3\xa9 \xf0\x9f\x98\x80 \\u00e9\"}",
      "{}"};
  std::vector<delivery> items;
  for (const auto& body : bodies)
    items.push_back({"unfolded_event", "raw-" + std::to_string(items.size()),
                     "2026-01-15T12:00:00.000Z", "webhook", "", body});
  database.apply(to_messages(items));
  pqxx::connection connection(database.url);
  pqxx::work work(connection);
  for (const auto& item : items)
    EXPECT_EQ(work.exec_params1("SELECT payload FROM github.webhook_events WHERE delivery_id = $1",
                                item.delivery_id)[0]
                  .as<std::string>(),
              item.payload)
        << item.delivery_id;
}

TEST(applier, the_lifecycle_gives_the_exact_numbers) {
  applier_on_fresh_database database("workers_lifecycle");
  const auto items = build_lifecycle();
  ASSERT_EQ(items.size(), 21u);
  const auto outcome = database.apply(to_messages(items));
  EXPECT_EQ(outcome.folded_total(), 21u);
  EXPECT_EQ(outcome.dead_letters_total(), 0u);
  EXPECT_EQ(outcome.transactions, 1u);
  EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());
}

TEST(applier, the_lifecycle_one_delivery_per_batch_gives_the_same_numbers) {
  applier_on_fresh_database database("workers_lifecycle_single");
  for (const auto& message : to_messages(build_lifecycle())) database.apply({message});
  EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());
}

TEST(applier, the_lifecycle_delivered_twice_gives_the_same_numbers) {
  // Twice over: once as redeliveries after the fact, once as an org hook and a repo hook that
  // share each X-GitHub-Delivery (same id, other hook id) inside the same batches.
  applier_on_fresh_database database("workers_lifecycle_twice");
  const auto items = build_lifecycle();
  std::vector<incoming_message> messages;
  std::int64_t offset = 0;
  for (const auto& item : items) {
    messages.push_back(to_message(item, "t", 0, offset++));
    auto repo_hook = item;
    repo_hook.hook_id = "4242";
    messages.push_back(to_message(repo_hook, "t", 1, offset++));
  }
  auto outcome = database.apply(messages);
  EXPECT_EQ(outcome.folded_total(), 21u);
  EXPECT_EQ(outcome.duplicates, 21u);
  outcome = database.apply(messages);
  EXPECT_EQ(outcome.folded_total(), 0u);
  EXPECT_EQ(outcome.duplicates, 42u);
  EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries"), 21);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.webhook_events"), 21);
}

TEST(applier, the_lifecycle_in_any_order_and_batching_gives_the_same_numbers) {
  const auto items = build_lifecycle();
  for (const unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 random(seed);
    auto shuffled = items;
    std::shuffle(shuffled.begin(), shuffled.end(), random);
    // and some of them delivered twice, further on
    for (int i = 0; i < 5; ++i) shuffled.push_back(shuffled[random() % items.size()]);
    applier_on_fresh_database database("workers_lifecycle_shuffled");
    const auto messages = to_messages(shuffled);
    std::size_t position = 0;
    while (position < messages.size()) {
      const std::size_t size = 1 + random() % 6;
      const auto end = std::min(messages.size(), position + size);
      database.apply({messages.begin() + static_cast<std::ptrdiff_t>(position),
                      messages.begin() + static_cast<std::ptrdiff_t>(end)});
      position = end;
    }
    EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());
  }
}

}  // namespace
}  // namespace tributary::testing

namespace tributary::testing {
namespace {

TEST(applier, a_broken_connection_is_reopened_and_the_batch_applied_once) {
  applier_on_fresh_database database("workers_reconnect");
  const auto messages = to_messages(build_lifecycle());
  const std::vector<incoming_message> first(messages.begin(), messages.begin() + 10);
  const std::vector<incoming_message> rest(messages.begin() + 10, messages.end());
  database.apply(first);
  {
    // What a PostgreSQL restart or failover does to the worker's connection.
    pqxx::connection admin(database.url);
    pqxx::work work(admin);
    const auto killed = work.exec1(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE application_name = 'tributary-worker' AND datname = current_database()");
    work.commit();
    ASSERT_EQ(killed[0].as<int>(), 1);
  }
  const auto outcome = database.apply(rest);
  EXPECT_GE(outcome.retries.at("connection"), 1u);
  EXPECT_EQ(outcome.folded_total(), rest.size());
  EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());
}

TEST(applier, a_stop_during_a_database_outage_interrupts_without_applying) {
  applier_on_fresh_database database("workers_interrupt");
  database.session.reset();
  workers::pg_session unreachable("postgresql://postgres@127.0.0.1:1/none", {});
  workers::batch_applier applier(unreachable, database.retention, database.stopping,
                                 core::logger("worker-test"),
                                 workers::batch_applier::options{std::chrono::milliseconds(10),
                                                                 std::chrono::milliseconds(20), {}, {}});
  database.stopping = true;
  EXPECT_THROW(applier.apply(to_messages(build_lifecycle())), workers::apply_interrupted);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries"), 0);
}

TEST(applier, spends_each_pause_between_attempts_in_the_wait_it_is_given) {
  // The consumer loop's wait polls Kafka with its partitions paused; here it records the pauses
  // (doubling from 10 ms, capped at 40 ms) and asks for a stop at the fourth.
  applier_on_fresh_database database("workers_wait");
  workers::pg_session unreachable("postgresql://postgres@127.0.0.1:1/none", {});
  std::vector<std::chrono::milliseconds> waits;
  std::vector<std::string> retries;
  workers::batch_applier applier(
      unreachable, database.retention, database.stopping, core::logger("worker-test"),
      workers::batch_applier::options{
          std::chrono::milliseconds(10), std::chrono::milliseconds(40),
          [&](const std::string& kind) { retries.push_back(kind); },
          [&](std::chrono::milliseconds duration) {
            waits.push_back(duration);
            if (waits.size() == 4) database.stopping = true;
          }});
  EXPECT_THROW(applier.apply(to_messages(build_lifecycle())), workers::apply_interrupted);
  using ms = std::chrono::milliseconds;
  EXPECT_EQ(waits, (std::vector<ms>{ms(10), ms(20), ms(40), ms(40)}));
  EXPECT_EQ(retries, std::vector<std::string>(5, "connection"));
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries"), 0);
}

}  // namespace
}  // namespace tributary::testing
