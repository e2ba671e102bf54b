// tributary-worker as a process, against the devbroker and a real PostgreSQL: the numbers and the
// metrics of an uninterrupted run, the same after kill -9 mid-stream and a restart, a malformed
// message that lands in github.dead_letters while its partition goes on, a cooperative rebalance
// while a batch is in hand, and SIGTERM: the batch in hand commits and the member leaves.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/applier_fixture.hpp"
#include "tests/workers/database_faults.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <regex>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

/// How many lines of `text` contain `needle`.
std::size_t lines_with(const std::string& text, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

/// The group's committed offset of partition 0 of `topic` (-1001 when none), as the broker has it.
std::int64_t committed_offset(const std::string& group, const std::string& topic) {
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", bootstrap_servers(), error);
  conf->set("group.id", group, error);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer) throw std::runtime_error(error);
  std::vector<RdKafka::TopicPartition*> partitions{RdKafka::TopicPartition::create(topic, 0)};
  const auto code = consumer->committed(partitions, 10000);
  const auto offset = partitions.front()->offset();
  RdKafka::TopicPartition::destroy(partitions);
  consumer->close();
  if (code != RdKafka::ERR_NO_ERROR) throw std::runtime_error(RdKafka::err2str(code));
  return offset;
}

double sum_of(const metrics_scrape& scrape, const std::string& name) {
  double total = 0;
  for (const auto& sample : scrape.all(name)) total += sample.value;
  return total;
}

class worker_process : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    topic_ = new std::string(fresh_topic("workers_stream", 6));
    publish(*topic_, the_stream(), 5);
  }
  static void TearDownTestSuite() { delete topic_; }

  static std::string* topic_;
};
std::string* worker_process::topic_ = nullptr;

TEST_F(worker_process, an_uninterrupted_run_folds_everything_counts_it_and_stops_gracefully) {
  const auto url = migrated_database("workers_run");
  child_process worker(worker_options(url, *topic_, unique_name("group")));
  const auto port = metrics_port_of(worker);
  ASSERT_TRUE(wait_until([&] { return settled(url) >= stream_deliveries + 1; }, 120s))
      << worker.stderr_text();
  expect_complete(url);
  EXPECT_EQ(analytics_snapshot(url), stream_snapshot());

  // Lag: one series per assigned partition, all at 0 once everything is consumed.
  const auto caught_up = [&] {
    const auto lag = metrics_scrape::fetch(port).all("tributary_worker_consumer_lag_messages");
    if (lag.size() != 6) return false;
    for (const auto& sample : lag)
      if (sample.value != 0 || sample.labels.at("topic") != *topic_) return false;
    return true;
  };
  ASSERT_TRUE(wait_until(caught_up, 30s)) << "lag series: "
                                          << metrics_scrape::fetch(port)
                                                 .all("tributary_worker_consumer_lag_messages")
                                                 .size();

  const auto scrape = metrics_scrape::fetch(port);
  // Folded by type: exactly the ledger's folded deliveries of each type (counted after commit).
  pqxx::connection connection(url);
  pqxx::work work(connection);
  std::size_t types = 0;
  for (const auto& row : work.exec("SELECT event, count(*) FROM github.deliveries WHERE folded "
                                   "GROUP BY event")) {
    ++types;
    EXPECT_EQ(scrape.value("tributary_worker_events_folded_total", {{"event", row[0].c_str()}}),
              row[1].as<double>())
        << row[0].c_str();
  }
  EXPECT_GT(types, 10u);
  EXPECT_EQ(sum_of(scrape, "tributary_worker_events_folded_total"),
            static_cast<double>(count_of(url, "SELECT count(*) FROM github.deliveries WHERE folded")));
  EXPECT_EQ(scrape.value("tributary_worker_events_skipped_total"),
            static_cast<double>(count_of(url, "SELECT count(*) FROM github.deliveries WHERE NOT folded")));
  EXPECT_EQ(scrape.value("tributary_worker_duplicate_deliveries_total"), 21);  // the redeliveries
  EXPECT_EQ(scrape.value("tributary_worker_dead_letters_total", {{"cause", "envelope"}}), 1);
  EXPECT_EQ(scrape.value("tributary_worker_dead_letters_total", {{"cause", "payload"}}), 0);
  EXPECT_EQ(scrape.value("tributary_worker_dead_letters_total", {{"cause", "database"}}), 0);
  EXPECT_EQ(scrape.value("tributary_worker_transaction_retries_total", {{"kind", "transient"}}), 0);
  EXPECT_EQ(scrape.value("tributary_worker_transaction_retries_total", {{"kind", "connection"}}), 0);
  EXPECT_EQ(scrape.value("tributary_worker_offset_commit_failures_total"), 0);
  // Batches: every message of the topic in exactly one batch of at most 7 (WORKER_BATCH_SIZE).
  const auto batches = scrape.value("tributary_worker_batch_messages_count");
  EXPECT_EQ(scrape.value("tributary_worker_batch_messages_sum"), stream_messages);
  EXPECT_GE(batches, stream_messages / 7.0);
  for (const auto& bucket : scrape.all("tributary_worker_batch_messages_bucket"))
    if (std::stod(bucket.labels.at("le")) >= 7) {
      EXPECT_EQ(bucket.value, batches) << bucket.labels.at("le");
    }
  EXPECT_EQ(scrape.value("tributary_worker_batch_duration_seconds_count"), batches);
  EXPECT_GT(scrape.value("tributary_worker_batch_duration_seconds_sum"), 0);

  worker.send_signal(SIGTERM);
  const auto status = worker.wait_for_exit(30s);
  ASSERT_TRUE(status) << "still running after SIGTERM";
  EXPECT_TRUE(status->success()) << worker.stderr_text();
  EXPECT_NE(worker.stderr_text().find("leaving the consumer group"), std::string::npos);
}

TEST_F(worker_process, kill_9_mid_stream_and_a_restart_give_the_numbers_of_an_uninterrupted_run) {
  // Killed with SIGKILL three times while it works through the stream, then left to finish.
  const auto url = migrated_database("workers_killed");
  const auto group = unique_name("group");
  for (const long long kill_at : {40LL, 120LL, 200LL}) {
    child_process worker(worker_options(url, *topic_, group));
    ASSERT_TRUE(wait_until([&] { return settled(url) >= kill_at; }, 120s, 5ms))
        << worker.stderr_text();
    worker.send_signal(SIGKILL);
    ASSERT_TRUE(worker.wait_for_exit(10s));
    EXPECT_LT(settled(url), stream_deliveries + 1) << "the kill came too late to interrupt anything";
  }
  {
    child_process worker(worker_options(url, *topic_, group));
    ASSERT_TRUE(wait_until([&] { return settled(url) >= stream_deliveries + 1; }, 180s))
        << worker.stderr_text();
    expect_complete(url);
    EXPECT_EQ(analytics_snapshot(url), stream_snapshot());
    worker.send_signal(SIGTERM);
    ASSERT_TRUE(worker.wait_for_exit(30s));
  }
  // Once more on the caught-up group: nothing to consume, and its lag says so for every
  // partition (counted from the committed offsets, as nothing gives it a position).
  child_process idle(worker_options(url, *topic_, group));
  const auto port = metrics_port_of(idle);
  ASSERT_TRUE(idle.wait_for_output("partitions assigned", 60s)) << idle.stderr_text();
  const auto all_zero = [&] {
    const auto lag = metrics_scrape::fetch(port).all("tributary_worker_consumer_lag_messages");
    return lag.size() == 6 && std::all_of(lag.begin(), lag.end(),
                                          [](const metric_sample& sample) { return sample.value == 0; });
  };
  EXPECT_TRUE(wait_until(all_zero, 30s));
  EXPECT_EQ(metrics_scrape::fetch(port).value("tributary_worker_batch_messages_count"), 0);
}

TEST_F(worker_process, partitions_revoked_while_a_batch_is_in_hand_lose_and_double_count_nothing) {
  // The first worker's batch is held mid-transaction (the test locks the ledger) while a second
  // member joins and the cooperative rebalance asks the first for some of its partitions. The
  // revocation can only happen after that batch has committed (and its offsets with it), in the
  // next poll; what was fetched for a partition revoked during a poll is dropped, not applied.
  const auto url = migrated_database("workers_revoked");
  const auto group = unique_name("group");
  // Locked before the first worker starts, so that its first batch is surely the one held
  // (a fast worker could otherwise have applied the whole stream before a later lock).
  table_lock lock(url, "github.deliveries");
  child_process first(worker_options(url, *topic_, group));
  const auto first_port = metrics_port_of(first);
  ASSERT_TRUE(wait_until([&] { return worker_backends_waiting_on_locks(url) == 1; }, 30s))
      << first.stderr_text();
  EXPECT_EQ(lines_with(first.stderr_text(), "partitions revoked"), 0u);
  child_process second(worker_options(url, *topic_, group));
  const auto second_port = metrics_port_of(second);
  // The group rebalances (the devbroker's coordinator waits session.timeout.ms - 1 s for the
  // members to rejoin) while the first's batch waits; the first can't revoke anything yet.
  std::this_thread::sleep_for(8s);
  EXPECT_EQ(lines_with(first.stderr_text(), "partitions revoked"), 0u) << first.stderr_text();
  lock.release();

  ASSERT_TRUE(first.wait_for_output("partitions revoked", 60s)) << first.stderr_text();
  ASSERT_TRUE(wait_until([&] { return lines_with(second.stderr_text(), "partitions assigned") > 0 &&
                                      settled(url) >= stream_deliveries + 1; },
                         180s))
      << second.stderr_text();
  expect_complete(url);
  EXPECT_EQ(analytics_snapshot(url), stream_snapshot());
  // Both applied some of it, and between them each delivery was folded once: the counters are
  // of ledger rows inserted, so a message both read would show as a duplicate, never twice here.
  const auto first_scrape = metrics_scrape::fetch(first_port);
  const auto second_scrape = metrics_scrape::fetch(second_port);
  const auto second_batches = second_scrape.value("tributary_worker_batch_messages_count");
  EXPECT_GT(second_batches, 0);
  EXPECT_EQ(sum_of(first_scrape, "tributary_worker_events_folded_total") +
                sum_of(second_scrape, "tributary_worker_events_folded_total"),
            static_cast<double>(count_of(url, "SELECT count(*) FROM github.deliveries WHERE folded")));
  EXPECT_EQ(first_scrape.value("tributary_worker_events_skipped_total") +
                second_scrape.value("tributary_worker_events_skipped_total"),
            static_cast<double>(count_of(url, "SELECT count(*) FROM github.deliveries WHERE NOT folded")));
  // Read twice only what a failed offset commit gave back: at least the 21 redeliveries.
  EXPECT_GE(first_scrape.value("tributary_worker_duplicate_deliveries_total") +
                second_scrape.value("tributary_worker_duplicate_deliveries_total"),
            21);
}

TEST_F(worker_process, sigterm_finishes_and_commits_the_batch_in_hand_then_leaves) {
  // One partition, so that the committed offset says exactly what was applied.
  const auto topic = fresh_topic("workers_sigterm", 1);
  const auto url = migrated_database("workers_sigterm");
  const auto group = unique_name("group");
  auto options = worker_options(url, topic, group);
  options.environment["WORKER_BATCH_SIZE"] = "500";
  child_process worker(options);
  ASSERT_TRUE(worker.wait_for_output("partitions assigned", 60s)) << worker.stderr_text();

  table_lock lock(url, "github.deliveries");
  publish(topic, build_lifecycle(), -1);
  ASSERT_TRUE(wait_until([&] { return worker_backends_waiting_on_locks(url) == 1; }, 30s))
      << worker.stderr_text();
  worker.send_signal(SIGTERM);
  std::this_thread::sleep_for(300ms);  // the flag is set; the batch is still waiting
  EXPECT_TRUE(worker.is_running());
  lock.release();

  const auto status = worker.wait_for_exit(30s);
  ASSERT_TRUE(status) << "still running after SIGTERM";
  EXPECT_TRUE(status->success()) << worker.stderr_text();
  EXPECT_NE(worker.stderr_text().find("leaving the consumer group"), std::string::npos);
  const auto applied = count_of(url, "SELECT count(*) FROM github.deliveries");
  EXPECT_GT(applied, 0);
  EXPECT_EQ(count_of(url, "SELECT max(kafka_offset) + 1 FROM github.deliveries"), applied);
  // The batch's offsets were committed before it left: nothing applied is read again, nothing
  // unapplied is skipped.
  EXPECT_EQ(committed_offset(group, topic), applied);
}

TEST_F(worker_process, two_workers_share_the_partitions_and_one_hands_over_when_it_stops) {
  const auto url = migrated_database("workers_pair");
  const auto group = unique_name("group");
  auto first_options = worker_options(url, *topic_, group);
  first_options.environment["KAFKA_DEBUG"] = "cgrp";  // shows its LeaveGroup and the answer
  first_options.environment["LOG_LEVEL"] = "debug";
  child_process first(first_options);
  ASSERT_TRUE(wait_until([&] { return settled(url) >= 40; }, 120s)) << first.stderr_text();
  // A second member joins: the cooperative rebalance moves some partitions to it.
  child_process second(worker_options(url, *topic_, group));
  ASSERT_TRUE(second.wait_for_output("partitions assigned", 60s)) << second.stderr_text();
  ASSERT_TRUE(first.wait_for_output("partitions revoked", 60s)) << first.stderr_text();
  // The moved partitions reach the second in a later round than its first (empty) assignment.
  ASSERT_TRUE(wait_until([&] {
    return std::regex_search(second.stderr_text(), std::regex("partitions assigned\",\"count\":[1-9]"));
  }, 60s)) << second.stderr_text();
  const auto assignments_before = lines_with(second.stderr_text(), "partitions assigned");

  // The first leaves gracefully mid-stream: the second takes its partitions over.
  first.send_signal(SIGTERM);
  const auto status = first.wait_for_exit(30s);
  const auto left_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success()) << first.stderr_text();
  // It told the coordinator it left (LeaveGroup, answered without error).
  const auto first_log = first.stderr_text();
  EXPECT_NE(first_log.find("\"facility\":\"LEAVEGROUP\""), std::string::npos);
  EXPECT_EQ(first_log.find("LeaveGroup response error"), std::string::npos);
  ASSERT_TRUE(wait_until([&] {
    return lines_with(second.stderr_text(), "partitions assigned") > assignments_before;
  }, 60s)) << second.stderr_text();
  // How long that took is printed, not asserted: the devbroker's coordinator holds every
  // rebalance for session.timeout.ms - 1 s (5 s here), a rebalance already under way when the
  // member leaves runs to its end, and a loaded machine adds to it. That the member left is shown
  // by its LeaveGroup, answered without error, above. (A real broker rebalances at once on it.)
  std::cout << "handover took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - left_at)
                   .count()
            << " ms\n";

  ASSERT_TRUE(wait_until([&] { return settled(url) >= stream_deliveries + 1; }, 180s))
      << second.stderr_text();
  expect_complete(url);
  EXPECT_EQ(analytics_snapshot(url), stream_snapshot());
}

}  // namespace
}  // namespace tributary::testing
