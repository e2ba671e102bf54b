#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

namespace tributary::ingest {

/// At most one log line per `interval` for one kind of event that clients can cause at will (a
/// bad signature): the first event of an interval is logged, the others are only counted, and the
/// next line says how many were left out. `clock` is injected for tests. Any thread may call it.
class log_rate_limit {
 public:
  using clock_function = std::function<std::chrono::steady_clock::time_point()>;

  explicit log_rate_limit(std::chrono::steady_clock::duration interval,
                          clock_function clock = [] { return std::chrono::steady_clock::now(); });

  /// The number of events suppressed since the last line when this event may be logged now;
  /// std::nullopt when it must not (and is counted as suppressed).
  std::optional<std::uint64_t> admit();

 private:
  const std::chrono::steady_clock::duration interval_;
  const clock_function clock_;
  std::mutex mutex_;
  std::optional<std::chrono::steady_clock::time_point> last_line_;  // guarded by mutex_
  std::uint64_t suppressed_ = 0;                                     // guarded by mutex_
};

}  // namespace tributary::ingest
