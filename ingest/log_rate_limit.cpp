#include "ingest/log_rate_limit.hpp"

#include <utility>

namespace tributary::ingest {

log_rate_limit::log_rate_limit(std::chrono::steady_clock::duration interval, clock_function clock)
    : interval_(interval), clock_(std::move(clock)) {}

std::optional<std::uint64_t> log_rate_limit::admit() {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  if (last_line_ && now - *last_line_ < interval_) {
    ++suppressed_;
    return std::nullopt;
  }
  last_line_ = now;
  return std::exchange(suppressed_, 0);
}

}  // namespace tributary::ingest
