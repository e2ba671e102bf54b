#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace tributary::core {

/// A librdkafka failure, sorted by what the caller can do about it.
class kafka_error : public std::runtime_error {
 public:
  kafka_error(RdKafka::ErrorCode code, std::string_view context);

  RdKafka::ErrorCode code() const { return code_; }
  /// True when trying again later can succeed (broker down, queue full, timeouts): ingest answers
  /// 503 with Retry-After; a worker backs off.
  bool retryable() const { return retryable_; }

 private:
  RdKafka::ErrorCode code_;
  bool retryable_;
};

/// The one place that decides whether a librdkafka error code is worth a retry.
bool is_retryable(RdKafka::ErrorCode code);

}  // namespace tributary::core
