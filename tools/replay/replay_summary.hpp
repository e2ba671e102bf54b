#pragma once

#include "tools/replay/replay_client.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace tributary::replay {

/// The figures of one run: answers by status, requests without an answer, latency percentiles.
struct replay_summary {
  std::size_t sent = 0;
  std::size_t failed = 0;  // no HTTP answer
  std::vector<std::pair<unsigned, std::size_t>> by_status;  // ascending status
  std::chrono::nanoseconds p50{}, p99{}, max{};
  std::chrono::nanoseconds elapsed{};
  bool all_accepted() const;  // every request answered 2xx
};

replay_summary summarize(const std::vector<send_result>& results, std::chrono::nanoseconds elapsed);

/// Human-readable lines, e.g. "329 sent in 1.20 s (274/s)\n  202: 329\nlatency p50 ...".
std::string format_summary(const replay_summary& summary);

}  // namespace tributary::replay
