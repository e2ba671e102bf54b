#include "tests/harness/unique_name.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <random>

namespace tributary::testing {

std::string unique_name(std::string_view prefix, std::size_t max_length) {
  static std::atomic<unsigned> counter{0};
  thread_local std::mt19937 random(std::random_device{}());
  const std::string suffix = "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) +
                             "_" + std::to_string(random() % 1000000);
  std::string name;
  for (const unsigned char c : prefix) {
    name += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) name.insert(0, "t");
  if (name.size() + suffix.size() > max_length)
    name.resize(max_length > suffix.size() + 1 ? max_length - suffix.size() : 1);
  return name + suffix;
}

}  // namespace tributary::testing
