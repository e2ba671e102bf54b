#pragma once

#include <chrono>
#include <thread>

namespace tributary::testing {

/// Calls `predicate` every `interval` until it returns true (→ true) or `timeout` has passed
/// (→ false, after one last call). For conditions another process brings about; the timeout is a
/// bound on a hang, never an assertion about speed.
template <typename Predicate>
bool wait_until(Predicate&& predicate, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(50)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(interval);
  }
  return static_cast<bool>(predicate());
}

}  // namespace tributary::testing
