#include "tools/replay/replay_summary.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace tributary::replay {
namespace {

std::chrono::nanoseconds percentile(const std::vector<std::chrono::nanoseconds>& sorted, double p) {
  if (sorted.empty()) return {};
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

double milliseconds(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e6; }

}  // namespace

bool replay_summary::all_accepted() const {
  return failed == 0 && std::all_of(by_status.begin(), by_status.end(), [](const auto& entry) {
           return entry.first >= 200 && entry.first < 300;
         });
}

replay_summary summarize(const std::vector<send_result>& results, std::chrono::nanoseconds elapsed) {
  replay_summary summary;
  summary.sent = results.size();
  summary.elapsed = elapsed;
  std::map<unsigned, std::size_t> counts;
  std::vector<std::chrono::nanoseconds> latencies;
  for (const auto& result : results) {
    if (result.status == 0) {
      ++summary.failed;
      continue;
    }
    ++counts[result.status];
    latencies.push_back(result.latency);
  }
  std::sort(latencies.begin(), latencies.end());
  summary.by_status.assign(counts.begin(), counts.end());
  summary.p50 = percentile(latencies, 0.50);
  summary.p99 = percentile(latencies, 0.99);
  summary.max = latencies.empty() ? std::chrono::nanoseconds{} : latencies.back();
  return summary;
}

std::string format_summary(const replay_summary& summary) {
  char line[160];
  const double seconds = static_cast<double>(summary.elapsed.count()) / 1e9;
  std::snprintf(line, sizeof line, "%zu sent in %.2f s (%.0f/s)\n", summary.sent, seconds,
                seconds > 0 ? static_cast<double>(summary.sent) / seconds : 0.0);
  std::string text = line;
  for (const auto& [status, count] : summary.by_status) {
    std::snprintf(line, sizeof line, "  %u: %zu\n", status, count);
    text += line;
  }
  if (summary.failed > 0) {
    std::snprintf(line, sizeof line, "  no answer: %zu\n", summary.failed);
    text += line;
  }
  std::snprintf(line, sizeof line, "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                milliseconds(summary.p50), milliseconds(summary.p99), milliseconds(summary.max));
  text += line;
  return text;
}

}  // namespace tributary::replay
