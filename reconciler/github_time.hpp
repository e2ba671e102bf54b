#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::reconciler {

/// GitHub's timestamps, "2016-07-11T22:14:10Z" (ISO 8601 in UTC, fractions of a second allowed
/// and dropped). Nothing for any other text. Pure.
std::optional<std::chrono::system_clock::time_point> parse_github_time(std::string_view text);

/// The same form from a time point (whole seconds). Pure.
std::string format_github_time(std::chrono::system_clock::time_point when);

}  // namespace tributary::reconciler
