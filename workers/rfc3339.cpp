#include "workers/rfc3339.hpp"

#include <cctype>

namespace tributary::workers {
namespace {

/// Reads exactly `digits` decimal digits at `position`, advancing it.
std::optional<int> read_number(std::string_view text, std::size_t& position, int digits) {
  if (position + static_cast<std::size_t>(digits) > text.size()) return std::nullopt;
  int value = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = text[position++];
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool expect(std::string_view text, std::size_t& position, char wanted) {
  if (position >= text.size() || text[position] != wanted) return false;
  ++position;
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  std::size_t at = 0;
  const auto year = read_number(text, at, 4);
  if (!year || !expect(text, at, '-')) return std::nullopt;
  const auto month = read_number(text, at, 2);
  if (!month || !expect(text, at, '-')) return std::nullopt;
  const auto day = read_number(text, at, 2);
  if (!day || at >= text.size() || (text[at] != 'T' && text[at] != 't' && text[at] != ' '))
    return std::nullopt;
  ++at;
  const auto hour = read_number(text, at, 2);
  if (!hour || !expect(text, at, ':')) return std::nullopt;
  const auto minute = read_number(text, at, 2);
  if (!minute || !expect(text, at, ':')) return std::nullopt;
  const auto second = read_number(text, at, 2);
  if (!second) return std::nullopt;

  const year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  // system_clock counts nanoseconds in 64 bits, 1677-09-21 to 2262-04-11: a year outside
  // 1678..2261 (whatever its offset) would overflow (found by fuzz/event_fuzzer.cpp).
  if (*year < 1678 || *year > 2261) return std::nullopt;

  nanoseconds fraction{0};
  if (at < text.size() && text[at] == '.') {
    ++at;
    long long scale = 100'000'000;
    const auto first_digit = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
      fraction += nanoseconds((text[at] - '0') * scale);
      scale /= 10;
      ++at;
    }
    if (at == first_digit) return std::nullopt;
  }

  minutes offset{0};
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const bool negative = text[at] == '-';
    ++at;
    const auto offset_hours = read_number(text, at, 2);
    if (!offset_hours || !expect(text, at, ':')) return std::nullopt;
    const auto offset_minutes = read_number(text, at, 2);
    if (!offset_minutes || *offset_hours > 23 || *offset_minutes > 59) return std::nullopt;
    offset = hours(*offset_hours) + minutes(*offset_minutes);
    if (negative) offset = -offset;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;

  const auto local = sys_days(date) + hours(*hour) + minutes(*minute) + seconds(*second) + fraction;
  return time_point_cast<system_clock::duration>(local - offset);
}

std::chrono::year_month_day month_of(std::chrono::system_clock::time_point when) {
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(when)};
  return date.year() / date.month() / std::chrono::day{1};
}

}  // namespace tributary::workers
