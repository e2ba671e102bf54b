#pragma once

#include <chrono>
#include <string>

namespace tributary::core {

/// RFC 3339 in UTC with milliseconds, e.g. 2026-11-23T17:05:36.123Z (the `received-at` header).
std::string format_rfc3339_ms(std::chrono::system_clock::time_point when);

}  // namespace tributary::core
