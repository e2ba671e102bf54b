#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace tributary::testing {

/// One message as a consumer sees it.
struct consumed_message {
  std::string key;
  std::string value;
  std::multimap<std::string, std::string> headers;
  int partition = -1;
};

/// Reads `topic` from the beginning as a member of a fresh consumer group (never ingest's
/// producer's view) until `expected` messages have arrived and then `quiet` more has passed
/// without another (so that duplicates would show), or `timeout` has passed.
std::vector<consumed_message> read_topic(const std::string& topic, std::size_t expected,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(60),
                                         std::chrono::milliseconds quiet = std::chrono::seconds(2));

}  // namespace tributary::testing
