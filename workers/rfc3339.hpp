#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace tributary::workers {

/// Reads an RFC 3339 timestamp (2026-11-23T17:05:36.123Z, or with an offset such as +02:00; any
/// number of fraction digits). nullopt when the text is not one, or is outside the years 1678 to
/// 2261 that system_clock can hold. Pure.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

/// The first day (UTC) of the month holding `when`.
std::chrono::year_month_day month_of(std::chrono::system_clock::time_point when);

}  // namespace tributary::workers
