#include "reconciler/rate_limit.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>

namespace tributary::reconciler {
namespace {

std::optional<std::int64_t> integer_header(const header_map& headers, std::string_view name) {
  const auto text = find_header(headers, name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) return std::nullopt;
  return value;
}

bool mentions_rate_limit(std::string_view body) {
  // GitHub's message: "You have exceeded a secondary rate limit..." or "API rate limit exceeded".
  return body.find("rate limit") != std::string_view::npos;
}

}  // namespace

rate_limit_state read_rate_limit(const header_map& headers, rate_limit_state previous) {
  if (auto value = integer_header(headers, "x-ratelimit-limit")) previous.limit = value;
  if (auto value = integer_header(headers, "x-ratelimit-remaining")) previous.remaining = value;
  if (auto value = integer_header(headers, "x-ratelimit-used")) previous.used = value;
  if (auto value = integer_header(headers, "x-ratelimit-reset"))
    previous.reset = std::chrono::system_clock::time_point(std::chrono::seconds(*value));
  if (auto value = find_header(headers, "x-ratelimit-resource")) previous.resource = std::string(*value);
  return previous;
}

std::optional<std::chrono::milliseconds> wait_for_primary_reset(
    const rate_limit_state& state, std::chrono::system_clock::time_point now) {
  if (!state.remaining || *state.remaining > 0 || !state.reset) return std::nullopt;
  if (*state.reset + std::chrono::seconds(1) <= now) return std::nullopt;
  return std::chrono::ceil<std::chrono::milliseconds>(*state.reset + std::chrono::seconds(1) - now);
}

std::chrono::milliseconds jittered_backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap,
                                           int retries, double jitter) {
  auto base = first;
  for (int i = 0; i < retries && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  jitter = std::clamp(jitter, 0.0, 0.999999);
  return base + std::chrono::milliseconds(static_cast<std::int64_t>(std::floor(base.count() * jitter / 2)));
}

std::chrono::milliseconds secondary_backoff(int retries, double jitter) {
  using namespace std::chrono_literals;
  return jittered_backoff(1min, 16min, retries, jitter);
}

limit_decision decide_on_answer(unsigned status, const header_map& headers, std::string_view body,
                                std::chrono::system_clock::time_point now, int retries,
                                double jitter) {
  if (status != 403 && status != 429) return {};
  if (const auto retry_after = integer_header(headers, "retry-after"); retry_after && *retry_after >= 0)
    return {limit_kind::secondary, std::chrono::seconds(*retry_after)};
  const auto state = read_rate_limit(headers);
  if (state.remaining && *state.remaining == 0) {
    const auto wait = wait_for_primary_reset(state, now);
    return {limit_kind::primary, wait.value_or(std::chrono::seconds(1))};
  }
  if (status == 429 || mentions_rate_limit(body))
    return {limit_kind::secondary, secondary_backoff(retries, jitter)};
  return {};
}

request_budget share_of_remaining(double share) {
  auto first_remaining = std::make_shared<std::optional<std::int64_t>>();
  share = std::clamp(share, 0.0, 1.0);
  return [first_remaining, share](const rate_limit_state& state, std::int64_t spent) {
    if (!*first_remaining) {
      if (!state.remaining) return spent == 0;
      *first_remaining = *state.remaining + spent;  // what was left before this run spent any
    }
    const auto allowed = static_cast<std::int64_t>(std::floor(share * static_cast<double>(**first_remaining)));
    return spent < allowed;
  };
}

}  // namespace tributary::reconciler
