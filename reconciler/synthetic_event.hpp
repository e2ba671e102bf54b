#pragma once

#include "core/kafka_producer.hpp"

#include <rapidjson/document.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace tributary::reconciler {

/// One event the reconciler publishes in place of a webhook it never received (invariant 7): a
/// payload shaped like GitHub's webhook for that entity, and a delivery id derived from the entity
/// and its version, so that a rerun yields the same id and the worker's ledger dedupes it.
struct synthetic_event {
  std::string event;        // X-GitHub-Event: "repository", "push"
  std::string delivery_id;  // "reconciler:repository:<id>:<updated_at>:..."
  rapidjson::Document payload;
};

/// Publishes synthetic events to the topic with the envelope's headers (source=reconciler) and
/// core::envelope::message_key's key, and counts the broker's verdicts. Borrows the producer;
/// `publish` from one thread, the counts from any.
class event_publisher {
 public:
  event_publisher(core::kafka_producer& producer, std::string topic);

  /// Enqueues `message`; throws core::kafka_error when librdkafka refuses at once.
  void publish(const synthetic_event& message);
  /// Waits up to `timeout` for every verdict; true when all came and all were successes.
  bool settle(std::chrono::milliseconds timeout);

  std::int64_t acknowledged() const { return counts_->acknowledged.load(); }
  std::int64_t failed() const { return counts_->failed.load(); }

 private:
  struct counts {
    std::atomic<std::int64_t> acknowledged{0};
    std::atomic<std::int64_t> failed{0};
  };
  core::kafka_producer& producer_;
  std::string topic_;
  std::shared_ptr<counts> counts_ = std::make_shared<counts>();
};

/// The payload as compact JSON.
std::string to_json(const rapidjson::Value& value);

}  // namespace tributary::reconciler
