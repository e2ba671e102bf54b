// A consumer group whose committed position was deleted by retention is reset, and core's consumer
// says so (ARCHITECTURE.md: the worker alerts when it has to reset an offset). The devbroker keeps
// about 5 MB per partition, which makes retention easy to provoke.
#include <gtest/gtest.h>

#include <random>

#include "tests/foundation/kafka_delivery.hpp"
#include "tests/harness/broker_control.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> group_member(const std::string& group) {
  return {{"bootstrap.servers", bootstrap_servers()},
          {"group.id", group},
          {"session.timeout.ms", "6000"},
          {"heartbeat.interval.ms", "1000"}};
}

std::string incompressible(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(random() & 0xff);
  return bytes;
}

TEST(kafka, a_position_deleted_by_retention_is_reported_as_skipped_messages) {
  const std::string topic = fresh_topic("foundation.offset_reset", 1);
  const std::string group = unique_name("foundation_reset_group");
  core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
  ASSERT_TRUE(produce_and_wait(producer, {topic, "k", "first", {}}, 30s)->ok());
  {
    core::kafka_consumer consumer(group_member(group), {topic});
    const auto received = consume(consumer, 1, 60s);
    ASSERT_EQ(received.size(), 1u);
    consumer.commit(received);  // the group now stands at offset 1
    EXPECT_EQ(consumer.offset_resets(), 0u);
  }
  // 7 MiB that compress to nothing less: the partition keeps about 5 MB, so offset 1 goes.
  for (unsigned i = 0; i < 7; ++i) {
    const auto report = produce_and_wait(producer, {topic, "k", incompressible(1 << 20, i), {}}, 30s);
    ASSERT_TRUE(report && report->ok());
  }
  const auto last = produce_and_wait(producer, {topic, "k", "last", {}}, 30s);
  ASSERT_TRUE(last && last->ok());

  core::kafka_consumer consumer(group_member(group), {topic});
  std::vector<core::kafka_consumer::message_ptr> received;
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (std::chrono::steady_clock::now() < deadline &&
         (received.empty() || received.back()->offset() < last->offset)) {
    for (auto& message : consumer.poll_batch(16, 500ms)) received.push_back(std::move(message));
  }
  ASSERT_FALSE(received.empty()) << "nothing consumed after the reset";
  EXPECT_GT(received.front()->offset(), 1) << "offset 1 should have been deleted";
  EXPECT_EQ(consumer.offset_resets(), 1u);
  EXPECT_EQ(consumer.messages_skipped(), static_cast<std::uint64_t>(received.front()->offset() - 1));
}

TEST(kafka, consecutive_offsets_are_no_reset) {
  const std::string topic = fresh_topic("foundation.no_reset", 1);
  const std::string group = unique_name("foundation_no_reset_group");
  core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(produce_and_wait(producer, {topic, "k", "m", {}}, 30s)->ok());
  core::kafka_consumer consumer(group_member(group), {topic});
  const auto received = consume(consumer, 5, 60s);
  ASSERT_EQ(received.size(), 5u);
  EXPECT_EQ(consumer.offset_resets(), 0u);
  EXPECT_EQ(consumer.messages_skipped(), 0u);
}

}  // namespace
}  // namespace tributary::testing
