#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace tributary::fuzz {

/// Ends the run as a finding when `condition` is false: libFuzzer saves the input that did it.
inline void require(bool condition, std::string_view what) {
  if (condition) return;
  std::fprintf(stderr, "finding: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

/// Ends the run as a finding, unconditionally.
[[noreturn]] inline void report(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "finding: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace tributary::fuzz
