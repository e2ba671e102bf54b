#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tributary::workers {

/// One Kafka message as the worker received it, copied out of librdkafka so that decoding and
/// applying can be tested without a broker. A plain value.
struct incoming_message {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::optional<std::int64_t> timestamp_ms;  // the broker's or producer's timestamp
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  std::optional<std::string> value;  // nullopt: a null (tombstone) value

  /// The first header named `name` that has a value.
  const std::string* header(std::string_view name) const {
    for (const auto& [key, header_value] : headers)
      if (key == name && header_value) return &*header_value;
    return nullptr;
  }
};

}  // namespace tributary::workers
