// Faults injected through the devbroker's control channel reach clients. These tests change the
// shared broker for everyone, so CTest runs this binary alone (RUN_SERIAL).
#include <gtest/gtest.h>

#include <memory>

#include "tests/foundation/kafka_delivery.hpp"
#include "tests/harness/broker_control.hpp"
#include "tests/harness/brokers_down.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/wait_until.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

std::int32_t leader_of_partition_zero(core::kafka_producer& producer, const std::string& topic) {
  std::string error;
  std::unique_ptr<RdKafka::Topic> handle(
      RdKafka::Topic::create(&producer.handle(), topic, nullptr, error));
  RdKafka::Metadata* raw = nullptr;
  if (producer.handle().metadata(false, handle.get(), &raw, 10000) != RdKafka::ERR_NO_ERROR)
    return -1;
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  for (const auto* t : *metadata->topics())
    for (const auto* p : *t->partitions())
      if (p->id() == 0) return p->leader();
  return -1;
}

TEST(broker_faults, an_error_pushed_to_the_partition_leader_reaches_the_delivery_report) {
  const std::string topic = fresh_topic("foundation.faults_broker", 1);
  core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
  const std::int32_t leader = leader_of_partition_zero(producer, topic);
  ASSERT_GE(leader, 1) << "no leader for " << topic;
  broker_control().push_errors(leader, "Produce", {RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED});

  const auto failed = produce_and_wait(producer, {topic, "k", "refused", {}}, 30s);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->error, RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED)
      << RdKafka::err2str(failed->error);
  EXPECT_FALSE(failed->retryable());
}

TEST(broker_faults, pushed_retriable_errors_are_retried_to_success) {
  const std::string topic = fresh_topic("foundation.faults_retry", 1);
  core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
  ASSERT_TRUE(producer.broker_reachable(10s));
  broker_control().push_errors(broker_control::all, "Produce",
                               {RdKafka::ERR_NOT_ENOUGH_REPLICAS, RdKafka::ERR_REQUEST_TIMED_OUT});
  const auto report = produce_and_wait(producer, {topic, "k", "eventually", {}}, 30s);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << RdKafka::err2str(report->error);
  EXPECT_EQ(report->offset, 0);  // written once, despite the retries
}

TEST(broker_faults, with_every_broker_down_delivery_fails_and_recovers_once_they_are_up) {
  const std::string topic = fresh_topic("foundation.faults_down", 1);
  core::kafka_producer producer(
      {{"bootstrap.servers", bootstrap_servers()}, {"message.timeout.ms", "3000"}});
  ASSERT_TRUE(producer.broker_reachable(10s));

  {
    brokers_down outage;
    const auto failed = produce_and_wait(producer, {topic, "k", "lost", {}}, 30s);
    ASSERT_TRUE(failed) << "no delivery report within 30 s (message.timeout.ms is 3 s)";
    EXPECT_FALSE(failed->ok());
    EXPECT_TRUE(failed->retryable()) << RdKafka::err2str(failed->error);
    EXPECT_FALSE(producer.broker_reachable(1s));
  }  // every broker up again, however the block ended
  ASSERT_TRUE(wait_until([&] { return producer.broker_reachable(1s); }, 30s))
      << "the producer did not reconnect";
  const auto recovered = produce_and_wait(producer, {topic, "k", "delivered", {}}, 30s);
  ASSERT_TRUE(recovered) << "no delivery report after the brokers came back";
  EXPECT_TRUE(recovered->ok()) << RdKafka::err2str(recovered->error);
}

}  // namespace
}  // namespace tributary::testing
