// The devbroker carries a message from core::kafka_producer to a consumer-group member intact.
#include <gtest/gtest.h>

#include "core/envelope.hpp"
#include "tests/foundation/kafka_delivery.hpp"
#include "tests/harness/broker_control.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/webhook_examples.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
namespace envelope = core::envelope;

std::map<std::string, std::string> consumer_properties() {
  return {{"bootstrap.servers", bootstrap_servers()},
          {"group.id", unique_name("foundation_group")}};
}

TEST(kafka, a_message_round_trips_with_key_value_and_headers) {
  const std::string topic = fresh_topic("foundation.round_trip", 3);
  const auto examples = load_webhook_examples();
  ASSERT_FALSE(examples.empty());
  const example_payload& example = examples.front();
  const std::string key = "octo-org/octo-repo";
  const std::string delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

  core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
  const auto report =
      produce_and_wait(producer,
                       {topic,
                        key,
                        example.payload,
                        {{envelope::header_event, example.event},
                         {envelope::header_delivery, delivery},
                         {envelope::header_source, envelope::source_webhook},
                         {envelope::header_content_type, envelope::content_type_json}}},
                       30s);
  ASSERT_TRUE(report) << "no delivery report";
  ASSERT_TRUE(report->ok()) << RdKafka::err2str(report->error);
  EXPECT_GE(report->partition, 0);
  EXPECT_GE(report->offset, 0);

  core::kafka_consumer consumer(consumer_properties(), {topic});
  auto received = consume(consumer, 1, 60s);
  ASSERT_EQ(received.size(), 1u) << "nothing consumed from " << topic;
  RdKafka::Message& message = *received.front();
  ASSERT_NE(message.key(), nullptr);
  EXPECT_EQ(*message.key(), key);
  EXPECT_EQ(payload_of(message), example.payload);
  EXPECT_EQ(message.partition(), report->partition);
  EXPECT_EQ(message.offset(), report->offset);
  EXPECT_EQ(header_value(message, std::string(envelope::header_event)), example.event);
  EXPECT_EQ(header_value(message, std::string(envelope::header_delivery)), delivery);
  EXPECT_EQ(header_value(message, std::string(envelope::header_source)), "webhook");
  EXPECT_EQ(header_value(message, std::string(envelope::header_content_type)), "application/json");
  EXPECT_NO_THROW(consumer.commit(received));
}

TEST(kafka, committed_offsets_survive_a_new_group_member) {
  const std::string topic = fresh_topic("foundation.commit", 1);
  auto group = consumer_properties();
  // The mock coordinator holds a rebalance after a member leaves for the group's session timeout,
  // even after a clean close (tools/devbroker/README.md): keep it short.
  group["session.timeout.ms"] = "6000";
  group["heartbeat.interval.ms"] = "1000";
  core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
  for (const std::string value : {"first", "second"}) {
    const auto report = produce_and_wait(producer, {topic, "k", value, {}}, 30s);
    ASSERT_TRUE(report && report->ok());
  }
  {
    core::kafka_consumer consumer(group, {topic});
    auto first = consume(consumer, 1, 60s);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(payload_of(*first.front()), "first");
    consumer.commit(first);
  }
  core::kafka_consumer next(group, {topic});
  auto rest = consume(next, 1, 60s);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(payload_of(*rest.front()), "second");
}

// GitHub caps payloads at 25 MB: the devbroker must take one uncompressed, with headers.
TEST(kafka, a_25_mib_payload_round_trips) {
  const std::string topic = fresh_topic("foundation.large", 1);
  std::string value(25 * 1024 * 1024, 'x');
  for (std::size_t i = 0; i < value.size(); i += 97) value[i] = static_cast<char>('a' + i % 26);
  core::kafka_producer producer(
      {{"bootstrap.servers", bootstrap_servers()}, {"compression.type", "none"}});
  const auto report =
      produce_and_wait(producer, {topic, "big", value, {{envelope::header_event, "push"}}}, 60s);
  ASSERT_TRUE(report) << "no delivery report";
  ASSERT_TRUE(report->ok()) << RdKafka::err2str(report->error);

  core::kafka_consumer consumer(consumer_properties(), {topic});
  auto received = consume(consumer, 1, 60s);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received.front()->len(), value.size());
  EXPECT_TRUE(payload_of(*received.front()) == value);
  EXPECT_EQ(header_value(*received.front(), "github-event"), "push");
}

}  // namespace
}  // namespace tributary::testing
