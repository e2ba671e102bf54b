#pragma once

#include "reconciler/api_clock.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

namespace tributary::testing {

/// System time moved by an offset: sleeping moves the offset instead of the thread, so a client
/// that waits for a rate-limit reset or a retry-after does so at once, and a fake sharing this
/// clock sees the same time. Any thread may call.
class shifted_clock final : public reconciler::api_clock {
 public:
  std::chrono::system_clock::time_point now() override {
    return std::chrono::system_clock::now() + std::chrono::milliseconds(offset_ms_.load());
  }
  void sleep_for(std::chrono::milliseconds duration) override {
    {
      std::lock_guard lock(mutex_);
      sleeps_.push_back(duration);
    }
    advance(duration);
  }
  void advance(std::chrono::milliseconds duration) { offset_ms_ += duration.count(); }
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }

 private:
  std::atomic<std::int64_t> offset_ms_{0};
  mutable std::mutex mutex_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace tributary::testing
