#pragma once

#include "core/kafka_error.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tributary::core {

/// A consumer-group member (cooperative-sticky assignment, offsets stored and committed only
/// by the caller: enable.auto.offset.store=false). Close on destruction leaves the group.
/// One thread uses it at a time.
class kafka_consumer {
 public:
  using message_ptr = std::unique_ptr<RdKafka::Message>;
  /// Called on the consuming thread when partitions are assigned or revoked (incrementally).
  using on_rebalance = std::function<void(RdKafka::ErrorCode event,
                                          const std::vector<RdKafka::TopicPartition*>& partitions)>;

  /// `properties` over the consumer defaults (bootstrap.servers and group.id must be set).
  kafka_consumer(const std::map<std::string, std::string>& properties,
                 const std::vector<std::string>& topics, on_rebalance rebalance = {});
  ~kafka_consumer();
  kafka_consumer(const kafka_consumer&) = delete;
  kafka_consumer& operator=(const kafka_consumer&) = delete;

  /// Up to `max_messages` messages, waiting at most `timeout` for the first and returning as soon
  /// as none is ready after it. Partition EOF and timeouts are not returned; a fatal error throws.
  std::vector<message_ptr> poll_batch(std::size_t max_messages, std::chrono::milliseconds timeout);

  /// Stores the offsets after `messages` and commits them synchronously.
  void commit(const std::vector<message_ptr>& messages);

  /// Leaves the group (idempotent; the destructor calls it too).
  void close();

  RdKafka::KafkaConsumer& handle() { return *consumer_; }

  /// How often a partition's next message was not the one after the last consumed or committed
  /// offset: the group's position had been deleted by retention and was reset, and the messages
  /// between were never read (an alert). Read on the consuming thread.
  std::uint64_t offset_resets() const { return offset_resets_; }
  /// How many messages those resets skipped.
  std::uint64_t messages_skipped() const { return messages_skipped_; }

 private:
  class rebalance_callback;
  std::unique_ptr<rebalance_callback> rebalance_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  bool closed_ = false;
  std::uint64_t offset_resets_ = 0;
  std::uint64_t messages_skipped_ = 0;
  /// The offset each assigned partition's next message must have: the committed offset when it
  /// was assigned, then the one after the last message consumed.
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> expected_offsets_;

  void note_position(const RdKafka::Message& message);
  void on_partitions_changed(RdKafka::KafkaConsumer& consumer, RdKafka::ErrorCode event,
                             const std::vector<RdKafka::TopicPartition*>& partitions);
};

/// Consumer defaults (exposed for --help and tests).
std::map<std::string, std::string> consumer_defaults();

}  // namespace tributary::core
