#include "reconciler/installation_token.hpp"

#include "reconciler/github_time.hpp"

#include <gtest/gtest.h>

namespace tributary::reconciler {
namespace {

using namespace std::chrono_literals;

TEST(github_time, parses_and_formats_githubs_timestamps) {
  const auto when = parse_github_time("2016-07-11T22:14:10Z");
  ASSERT_TRUE(when);
  EXPECT_EQ(when->time_since_epoch(), 1468275250s);
  EXPECT_EQ(format_github_time(*when), "2016-07-11T22:14:10Z");
  EXPECT_EQ(parse_github_time("2016-07-11T22:14:10.123Z"), when);
  EXPECT_FALSE(parse_github_time("2016-07-11 22:14:10Z"));
  EXPECT_FALSE(parse_github_time("2016-02-30T22:14:10Z"));
  EXPECT_FALSE(parse_github_time("2016-07-11T22:14:10+02:00"));
  EXPECT_FALSE(parse_github_time(""));
}

TEST(installation_token, reads_githubs_answer) {
  // The example of POST /app/installations/{installation_id}/access_tokens, shortened.
  const auto token = parse_installation_token(
      R"({"token":"ghs_16C7e42F292c6912E7710c838347Ae178B4a","expires_at":"2016-07-11T22:14:10Z",)"
      R"("permissions":{"issues":"write","contents":"read"},"repository_selection":"selected"})");
  EXPECT_EQ(token.token, "ghs_16C7e42F292c6912E7710c838347Ae178B4a");
  EXPECT_EQ(token.expires_at, *parse_github_time("2016-07-11T22:14:10Z"));
}

TEST(installation_token, refuses_incomplete_answers) {
  EXPECT_THROW(parse_installation_token("[]"), installation_token_error);
  EXPECT_THROW(parse_installation_token(R"({"expires_at":"2016-07-11T22:14:10Z"})"), installation_token_error);
  EXPECT_THROW(parse_installation_token(R"({"token":"x"})"), installation_token_error);
  EXPECT_THROW(parse_installation_token(R"({"token":"x","expires_at":"soon"})"), installation_token_error);
  EXPECT_THROW(parse_installation_token("{"), installation_token_error);
}

TEST(installation_token, refreshed_when_under_five_minutes_are_left) {
  const installation_token token{"t", std::chrono::system_clock::time_point(10'000s)};
  EXPECT_FALSE(should_refresh(token, std::chrono::system_clock::time_point(10'000s - 5min - 1s)));
  EXPECT_FALSE(should_refresh(token, std::chrono::system_clock::time_point(10'000s - 5min)));
  EXPECT_TRUE(should_refresh(token, std::chrono::system_clock::time_point(10'000s - 5min + 1s)));
  EXPECT_TRUE(should_refresh(token, std::chrono::system_clock::time_point(10'001s)));
}

}  // namespace
}  // namespace tributary::reconciler
