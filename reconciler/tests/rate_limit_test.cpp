#include "reconciler/rate_limit.hpp"

#include <gtest/gtest.h>

namespace tributary::reconciler {
namespace {

using namespace std::chrono_literals;
using time_point = std::chrono::system_clock::time_point;

const time_point now{std::chrono::seconds(1'700'000'000)};

header_map limits(std::int64_t remaining, std::int64_t reset_epoch) {
  return {{"x-ratelimit-limit", "5000"},
          {"x-ratelimit-remaining", std::to_string(remaining)},
          {"x-ratelimit-used", std::to_string(5000 - remaining)},
          {"x-ratelimit-reset", std::to_string(reset_epoch)},
          {"x-ratelimit-resource", "core"}};
}

TEST(rate_limit, reads_every_header) {
  const auto state = read_rate_limit(limits(4999, 1'700'000'600));
  EXPECT_EQ(state.limit, 5000);
  EXPECT_EQ(state.remaining, 4999);
  EXPECT_EQ(state.used, 1);
  EXPECT_EQ(state.reset, time_point(std::chrono::seconds(1'700'000'600)));
  EXPECT_EQ(state.resource, "core");
}

TEST(rate_limit, keeps_what_an_answer_does_not_say) {
  const auto before = read_rate_limit(limits(10, 1'700'000'600));
  const auto after = read_rate_limit({{"x-ratelimit-remaining", "oops"}}, before);
  EXPECT_EQ(after.remaining, 10);
  EXPECT_EQ(read_rate_limit({}).remaining, std::nullopt);
}

TEST(rate_limit, exhausted_primary_waits_until_reset) {
  const auto state = read_rate_limit(limits(0, 1'700'000'030));
  EXPECT_EQ(wait_for_primary_reset(state, now), 31s);  // the reset, plus a second for skew
  EXPECT_FALSE(wait_for_primary_reset(state, now + 31s));
  EXPECT_FALSE(wait_for_primary_reset(read_rate_limit(limits(1, 1'700'000'030)), now));
}

TEST(rate_limit, retry_after_is_a_secondary_limit) {
  auto headers = limits(4000, 1'700'000'600);
  headers["retry-after"] = "7";
  for (const unsigned status : {403u, 429u}) {
    const auto decision = decide_on_answer(status, headers, "", now, 0, 0.5);
    EXPECT_EQ(decision.kind, limit_kind::secondary);
    EXPECT_EQ(decision.wait, 7s);
  }
}

TEST(rate_limit, forbidden_with_remaining_zero_is_the_primary_limit) {
  const auto decision = decide_on_answer(403, limits(0, 1'700'000'100), R"({"message":"API rate limit exceeded"})", now, 0, 0.5);
  EXPECT_EQ(decision.kind, limit_kind::primary);
  EXPECT_EQ(decision.wait, 101s);
}

TEST(rate_limit, secondary_without_retry_after_waits_at_least_a_minute) {
  const auto decision = decide_on_answer(
      403, limits(4000, 1'700'000'600),
      R"({"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."})",
      now, 0, 0.0);
  EXPECT_EQ(decision.kind, limit_kind::secondary);
  EXPECT_EQ(decision.wait, 60s);
  EXPECT_EQ(decide_on_answer(429, limits(4000, 1'700'000'600), "", now, 1, 0.0).wait, 120s);
}

TEST(rate_limit, a_plain_forbidden_is_not_a_limit) {
  EXPECT_EQ(decide_on_answer(403, limits(4000, 1'700'000'600),
                             R"({"message":"Resource not accessible by integration"})", now, 0, 0.5)
                .kind,
            limit_kind::none);
  EXPECT_EQ(decide_on_answer(200, limits(0, 1'700'000'600), "", now, 0, 0.5).kind, limit_kind::none);
  EXPECT_EQ(decide_on_answer(404, {}, "", now, 0, 0.5).kind, limit_kind::none);
}

TEST(rate_limit, backoff_doubles_within_jitter_bounds_and_is_capped) {
  for (int retries = 0; retries < 10; ++retries) {
    const auto base = std::min<std::chrono::milliseconds>(60s * (1 << retries), 16min);
    for (const double jitter : {0.0, 0.25, 0.5, 0.999999, 1.0, -1.0}) {
      const auto wait = secondary_backoff(retries, jitter);
      EXPECT_GE(wait, base) << retries << " " << jitter;
      EXPECT_LT(wait, base + base / 2) << retries << " " << jitter;
    }
  }
  EXPECT_GT(secondary_backoff(0, 0.9), secondary_backoff(0, 0.1));  // jitter really spreads
}

TEST(rate_limit, share_of_remaining_stops_at_the_share) {
  auto budget = share_of_remaining(0.1);
  rate_limit_state unknown;
  EXPECT_TRUE(budget(unknown, 0));    // the first request learns the state
  EXPECT_FALSE(budget(unknown, 1));   // still nothing known: no more
  auto budget2 = share_of_remaining(0.1);
  EXPECT_TRUE(budget2(unknown, 0));
  const auto state = read_rate_limit(limits(999, 1'700'000'600));  // 1000 before the first request
  std::int64_t spent = 1;
  while (budget2(state, spent)) ++spent;
  EXPECT_EQ(spent, 100);
}

TEST(rate_limit, a_zero_share_spends_nothing_once_known) {
  auto budget = share_of_remaining(0.0);
  EXPECT_FALSE(budget(read_rate_limit(limits(5000, 1'700'000'600)), 0));
}

}  // namespace
}  // namespace tributary::reconciler
