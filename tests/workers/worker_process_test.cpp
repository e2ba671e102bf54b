// tributary-worker as a process, against the devbroker and a real PostgreSQL: the numbers of an
// uninterrupted run, the same after kill -9 mid-stream and a restart, a malformed message that
// lands in github.dead_letters while its partition goes on, and a graceful SIGTERM.
#include "core/envelope.hpp"
#include "core/kafka_producer.hpp"
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/applier_fixture.hpp"
#include "tests/workers/lifecycle.hpp"

#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <csignal>
#include <future>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

/// The stream every run consumes: GitHub's 329 examples with the lifecycle's 21 deliveries woven
/// in, a malformed message early on in acme/widgets' partition, and every lifecycle delivery a
/// second time at the end (a redelivery).
std::vector<delivery> the_stream() {
  auto examples = example_deliveries();
  const auto lifecycle = build_lifecycle();
  std::vector<delivery> stream;
  std::size_t next_example = 0;
  for (std::size_t i = 0; i < lifecycle.size(); ++i) {
    stream.push_back(lifecycle[i]);
    for (int k = 0; k < 16 && next_example < examples.size(); ++k) stream.push_back(examples[next_example++]);
  }
  while (next_example < examples.size()) stream.push_back(examples[next_example++]);
  for (const auto& item : lifecycle) stream.push_back(item);
  return stream;
}

/// Publishes `items` to `topic` as ingest does (key, headers); `malformed_after` >= 0 inserts a
/// body that is not JSON, keyed like the lifecycle's repository, after that many items.
void publish(const std::string& topic, const std::vector<delivery>& items, int malformed_after) {
  core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
  std::vector<std::promise<bool>> done(items.size() + 1);
  std::size_t index = 0;
  const auto send = [&](const std::string& key, const std::string& value,
                        std::vector<std::pair<std::string_view, std::string_view>> headers) {
    auto& promise = done[index++];
    producer.produce({topic, key, value, std::move(headers)},
                     [&promise](const core::delivery_report& report) { promise.set_value(report.ok()); });
  };
  namespace envelope = core::envelope;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (static_cast<int>(i) == malformed_after)
      send("acme/widgets", "{\"action\":\"opened\",", {{envelope::header_event, "issues"},
                                                        {envelope::header_delivery, "malformed-1"}});
    const auto& item = items[i];
    rapidjson::Document payload;
    payload.Parse(item.payload.c_str());
    send(envelope::message_key(payload, item.delivery_id), item.payload,
         {{envelope::header_event, item.event},
          {envelope::header_delivery, item.delivery_id},
          {envelope::header_received_at, item.received_at},
          {envelope::header_source, item.source},
          {envelope::header_content_type, envelope::content_type_json}});
  }
  producer.flush(30s);
  for (std::size_t i = 0; i < index; ++i) ASSERT_TRUE(done[i].get_future().get()) << "message " << i;
}

child_options worker_options(const std::string& url, const std::string& topic, const std::string& group) {
  return {{required_environment("TRIBUTARY_BUILD_DIR") + "/workers/tributary-worker"},
          {{"KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers()},
           {"KAFKA_TOPIC", topic},
           {"DATABASE_URL", url},
           {"WORKER_GROUP_ID", group},
           {"METRICS_LISTEN", "127.0.0.1:0"},
           {"WORKER_BATCH_SIZE", "7"},
           {"WORKER_BATCH_WAIT", "100ms"},
           {"RAW_RETENTION_MONTHS", "0"},
           {"KAFKA_SESSION_TIMEOUT_MS", "6000"},
           {"KAFKA_HEARTBEAT_INTERVAL_MS", "1000"},
           {"LOG_LEVEL", "info"}}};
}

/// Distinct deliveries of the stream, plus the malformed one.
constexpr long long stream_deliveries = 329 + 21;

long long settled(const std::string& url) {
  return count_of(url, "SELECT (SELECT count(*) FROM github.deliveries) + "
                       "(SELECT count(*) FROM github.dead_letters)");
}

void expect_complete(const std::string& url) {
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.deliveries"), stream_deliveries);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.webhook_events"), stream_deliveries);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.dead_letters WHERE reason LIKE "
                          "'the body is not JSON%'"),
            1);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.dead_letters"), 1);
}

class worker_process : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    topic_ = new std::string(fresh_topic("workers_stream", 6));
    publish(*topic_, the_stream(), 5);
  }
  static void TearDownTestSuite() {
    delete topic_;
    delete uninterrupted_;
  }

  /// The analytics of one worker folding the whole stream without interruption (run once).
  static const std::map<std::string, std::vector<std::string>>& uninterrupted_snapshot() {
    if (!uninterrupted_) {
      const auto url = migrated_database("workers_calm");
      child_process worker(worker_options(url, *topic_, unique_name("group")));
      if (!wait_until([&] { return settled(url) >= stream_deliveries + 1; }, 120s))
        throw std::runtime_error("the uninterrupted run did not finish: " + worker.stderr_text());
      expect_complete(url);
      uninterrupted_ = new std::map<std::string, std::vector<std::string>>(analytics_snapshot(url));
    }
    return *uninterrupted_;
  }

  static std::string* topic_;
  static std::map<std::string, std::vector<std::string>>* uninterrupted_;
};
std::string* worker_process::topic_ = nullptr;
std::map<std::string, std::vector<std::string>>* worker_process::uninterrupted_ = nullptr;

TEST_F(worker_process, an_uninterrupted_run_folds_everything_and_stops_gracefully) {
  const auto url = migrated_database("workers_run");
  child_process worker(worker_options(url, *topic_, unique_name("group")));
  ASSERT_TRUE(wait_until([&] { return settled(url) >= stream_deliveries + 1; }, 120s))
      << worker.stderr_text();
  expect_complete(url);

  // The lifecycle's numbers are in there, beside the examples' own (other logins, repositories).
  const auto snapshot = analytics_snapshot(url);
  const auto expected = expected_lifecycle_snapshot();
  for (const auto& row : expected.at("pull_request_cycle"))
    EXPECT_NE(std::find(snapshot.at("pull_request_cycle").begin(),
                        snapshot.at("pull_request_cycle").end(), row),
              snapshot.at("pull_request_cycle").end())
        << row;
  for (const auto& row : expected.at("developer_activity_daily"))
    EXPECT_NE(std::find(snapshot.at("developer_activity_daily").begin(),
                        snapshot.at("developer_activity_daily").end(), row),
              snapshot.at("developer_activity_daily").end())
        << row;

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
  child_process worker(worker_options(url, *topic_, group));
  ASSERT_TRUE(wait_until([&] { return settled(url) >= stream_deliveries + 1; }, 180s))
      << worker.stderr_text();
  expect_complete(url);
  EXPECT_EQ(analytics_snapshot(url), uninterrupted_snapshot());
}

TEST_F(worker_process, two_workers_share_the_partitions_and_one_hands_over_when_it_stops) {
  const auto url = migrated_database("workers_pair");
  const auto group = unique_name("group");
  child_process first(worker_options(url, *topic_, group));
  ASSERT_TRUE(wait_until([&] { return settled(url) >= 40; }, 120s)) << first.stderr_text();
  // A second member joins: the cooperative rebalance moves some partitions to it.
  child_process second(worker_options(url, *topic_, group));
  ASSERT_TRUE(second.wait_for_output("partitions assigned", 60s)) << second.stderr_text();
  ASSERT_TRUE(first.wait_for_output("partitions revoked", 60s)) << first.stderr_text();
  // The first leaves gracefully mid-stream: the second takes its partitions over.
  first.send_signal(SIGTERM);
  const auto status = first.wait_for_exit(30s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success()) << first.stderr_text();
  ASSERT_TRUE(wait_until([&] { return settled(url) >= stream_deliveries + 1; }, 180s))
      << second.stderr_text();
  expect_complete(url);
  EXPECT_EQ(analytics_snapshot(url), uninterrupted_snapshot());
}

}  // namespace
}  // namespace tributary::testing
