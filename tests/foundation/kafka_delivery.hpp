#pragma once

#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/kafka_consumer.hpp"
#include "core/kafka_producer.hpp"

namespace tributary::testing {

/// Produces `message` and waits up to `timeout` for its delivery report (std::nullopt: none came,
/// which a test reports as a failure of its own).
inline std::optional<core::delivery_report> produce_and_wait(core::kafka_producer& producer,
                                                             const core::outgoing_message& message,
                                                             std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<core::delivery_report>>();
  auto future = promise->get_future();
  producer.produce(message,
                   [promise](const core::delivery_report& report) { promise->set_value(report); });
  if (future.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return future.get();
}

/// Polls `consumer` until it has `count` messages or `timeout` passes.
inline std::vector<core::kafka_consumer::message_ptr> consume(core::kafka_consumer& consumer,
                                                              std::size_t count,
                                                              std::chrono::milliseconds timeout) {
  std::vector<core::kafka_consumer::message_ptr> received;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (received.size() < count && std::chrono::steady_clock::now() < deadline) {
    for (auto& message :
         consumer.poll_batch(count - received.size(), std::chrono::milliseconds(500)))
      received.push_back(std::move(message));
  }
  return received;
}

/// The value of header `name` of `message`, std::nullopt when absent.
inline std::optional<std::string> header_value(RdKafka::Message& message, const std::string& name) {
  RdKafka::Headers* headers = message.headers();
  if (headers == nullptr) return std::nullopt;
  const RdKafka::Headers::Header header = headers->get_last(name);
  if (header.err() != RdKafka::ERR_NO_ERROR || header.value() == nullptr) return std::nullopt;
  return std::string(static_cast<const char*>(header.value()), header.value_size());
}

inline std::string payload_of(RdKafka::Message& message) {
  return std::string(static_cast<const char*>(message.payload()), message.len());
}

}  // namespace tributary::testing
