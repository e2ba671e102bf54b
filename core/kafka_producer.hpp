#pragma once

#include "core/kafka_error.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace tributary::core {

/// One message to publish. Views must stay valid only for the duration of `produce` (copied).
struct outgoing_message {
  std::string_view topic;
  std::string_view key;
  std::string_view value;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
};

/// What the broker said about one message.
struct delivery_report {
  RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  bool ok() const { return error == RdKafka::ERR_NO_ERROR; }
  bool retryable() const { return is_retryable(error); }
};

/// The idempotent producer (enable.idempotence, acks=all) with its own polling thread, so that
/// each message's delivery report reaches the callback given to `produce`. Callbacks run on that
/// thread and must not block. Destruction flushes for at most `flush_timeout`, then fails what is
/// left (their callbacks still run, with an error). `produce` may be called from any thread.
class kafka_producer {
 public:
  using on_delivery = std::function<void(const delivery_report&)>;

  /// `properties`: librdkafka properties over the producer defaults below (bootstrap.servers
  /// must be among them). Defaults: enable.idempotence=true, acks=all, compression.type=lz4,
  /// linger.ms=2, message.max.bytes=33554432.
  explicit kafka_producer(const std::map<std::string, std::string>& properties,
                          std::chrono::milliseconds flush_timeout = std::chrono::seconds(10));
  ~kafka_producer();
  kafka_producer(const kafka_producer&) = delete;
  kafka_producer& operator=(const kafka_producer&) = delete;

  /// Enqueues `message`; `done` runs exactly once with the broker's verdict. Throws kafka_error
  /// (without running `done`) when librdkafka refuses at once, e.g. a full queue (retryable).
  void produce(const outgoing_message& message, on_delivery done);

  /// Waits up to `timeout` for every enqueued message; returns how many are still outstanding.
  int flush(std::chrono::milliseconds timeout);
  /// Messages enqueued and not yet reported.
  int queue_length() const;
  /// True when the last metadata request reached a broker within `timeout`.
  bool broker_reachable(std::chrono::milliseconds timeout);
  /// librdkafka's fatal error (e.g. the idempotent producer lost its sequence: it can't go on and
  /// fails every message from then on), as "code: reason"; std::nullopt while there is none.
  /// The owner must stop using the producer (ingest exits non-zero). Any thread may call it.
  std::optional<std::string> fatal_error() const;

  RdKafka::Producer& handle() { return *producer_; }

 private:
  class delivery_callback;
  void poll_loop();

  std::unique_ptr<delivery_callback> callback_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::chrono::milliseconds flush_timeout_;
  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

/// Producer defaults shared by ingest and the reconciler (exposed for --help and tests).
std::map<std::string, std::string> producer_defaults();

}  // namespace tributary::core
