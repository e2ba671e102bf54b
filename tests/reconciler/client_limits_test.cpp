// Rate limits against the fake: secondary limits and a spent primary limit pause the walk, which
// resumes without losing or repeating a page; the budget stops a run at its share.
#include "tests/reconciler/client_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

void expect_each_pull_once(const std::vector<std::int64_t>& numbers) {
  EXPECT_EQ(numbers.size(), 250u);
  EXPECT_EQ(std::set<std::int64_t>(numbers.begin(), numbers.end()).size(), 250u);
}

TEST_F(client_fixture, a_secondary_limit_with_retry_after_pauses_and_resumes) {
  auto client = token_client();
  const auto numbers = pull_numbers(client, [&](int page) {
    if (page == 1) fake_->inject({.status = 403, .retry_after = 30, .count = 1});
  });
  expect_each_pull_once(numbers);
  EXPECT_EQ(clock_->sleeps(), std::vector<std::chrono::milliseconds>{30s});
  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[1].status, 403u);
  EXPECT_EQ(requests[2].status, 200u);
  EXPECT_EQ(requests[1].target, requests[2].target);  // the same page asked again, nothing skipped
  EXPECT_EQ(client.counters().secondary_waits, 1);
}

TEST_F(client_fixture, a_429_without_retry_after_waits_a_minute_then_longer) {
  auto client = token_client();
  const auto numbers = pull_numbers(client, [&](int page) {
    if (page == 2) fake_->inject({.status = 429, .retry_after = std::nullopt, .count = 2});
  });
  expect_each_pull_once(numbers);
  const auto sleeps = clock_->sleeps();
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_GE(sleeps[0], 60s);
  EXPECT_LT(sleeps[0], 90s);
  EXPECT_GE(sleeps[1], 120s);  // exponential
  EXPECT_LT(sleeps[1], 180s);
}

TEST_F(client_fixture, a_secondary_limit_that_never_lifts_ends_in_an_error) {
  auto client = token_client();
  fake_->inject({.status = 403, .retry_after = 1, .count = 100});
  EXPECT_THROW(client.send(reconciler::api_get("/repos/octo-org/hello")), reconciler::rate_limited);
  EXPECT_EQ(fake_->requests().size(), 7u);  // the first try and six retries
}

TEST_F(client_fixture, a_spent_primary_limit_waits_for_the_reset) {
  auto client = token_client();
  const auto numbers = pull_numbers(client, [&](int page) {
    if (page == 1) fake_->exhaust_primary(120s);
  });
  expect_each_pull_once(numbers);
  const auto sleeps = clock_->sleeps();
  ASSERT_EQ(sleeps.size(), 1u);
  EXPECT_GE(sleeps[0], 120s);
  EXPECT_LE(sleeps[0], 123s);
  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[1].status, 403u);
  EXPECT_EQ(requests[1].target, requests[2].target);
  EXPECT_EQ(client.counters().primary_waits, 1);
}

TEST_F(client_fixture, a_known_spent_limit_waits_before_asking) {
  fake_github_options options;
  options.rate_limit = 2;
  options.rate_window = 600s;
  options.now = [clock = clock_] { return clock->now(); };
  fake_github small(options);
  small.edit([](fake_github_content& content) { content.add_repository({"octo-org", "hello", 250, 0, 0}); });
  reconciler::github_client client(token_config(small.url()), hooks());
  std::size_t pulls = 0;
  client.walk_pages("/repos/octo-org/hello/pulls",
                    [&](const reconciler::api_response&, const rapidjson::Document* page) { pulls += page->Size(); });
  EXPECT_EQ(pulls, 250u);
  // After two answers the headers said remaining 0: the client waited for the reset instead of
  // spending a request on a 403.
  for (const auto& request : small.requests()) EXPECT_EQ(request.status, 200u);
  ASSERT_EQ(clock_->sleeps().size(), 1u);
  EXPECT_GE(clock_->sleeps()[0], 599s);
}

TEST_F(client_fixture, the_budget_stops_at_its_share_of_the_remaining_limit) {
  auto with_budget = hooks();
  with_budget.budget = reconciler::share_of_remaining(0.0004);  // 2 of 5000
  reconciler::github_client client(token_config(fake_->url()), with_budget);
  EXPECT_THROW(pull_numbers(client), reconciler::budget_exhausted);
  EXPECT_EQ(fake_->requests().size(), 2u);
  EXPECT_EQ(client.counters().spent, 2);
}

}  // namespace
}  // namespace tributary::testing
