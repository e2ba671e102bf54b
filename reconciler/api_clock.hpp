#pragma once

#include <chrono>

namespace tributary::reconciler {

/// Time and sleeping for the client's rate-limit waits, injectable so that unit tests run at
/// once. Implementations are called from the client's thread only.
class api_clock {
 public:
  virtual ~api_clock() = default;
  virtual std::chrono::system_clock::time_point now() = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

/// The real clock: system time and std::this_thread::sleep_for.
class system_api_clock final : public api_clock {
 public:
  std::chrono::system_clock::time_point now() override;
  void sleep_for(std::chrono::milliseconds duration) override;
};

}  // namespace tributary::reconciler
