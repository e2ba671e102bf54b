#pragma once

#include "core/kafka_producer.hpp"
#include "core/log.hpp"
#include "ingest/delivery.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace tributary::ingest {

/// Turns deliveries into Kafka messages (key, value and headers of CONTRACT.md) on a producer it
/// borrows, which must outlive it. Any thread may call `publish`.
class publisher {
 public:
  publisher(core::kafka_producer& producer, std::string topic);

  /// Enqueues `message`; `done` runs once with the broker's verdict, on the producer's polling
  /// thread (so it must not block: post elsewhere). Throws core::kafka_error, without running
  /// `done`, when librdkafka refuses at once (a full queue is retryable).
  void publish(const delivery& message, std::chrono::system_clock::time_point received_at,
               core::kafka_producer::on_delivery done);

  const std::string& topic() const { return topic_; }

 private:
  core::kafka_producer& producer_;
  std::string topic_;
  core::logger log_{"ingest"};
};

}  // namespace tributary::ingest
