#include "reconciler/api_clock.hpp"

#include <thread>

namespace tributary::reconciler {

std::chrono::system_clock::time_point system_api_clock::now() {
  return std::chrono::system_clock::now();
}

void system_api_clock::sleep_for(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

}  // namespace tributary::reconciler
