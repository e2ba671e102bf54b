// Transient failures and redirects against the fake: a GET answered 502/503/504 or cut off is sent
// again after a capped exponential backoff with jitter (waited through the shifted clock), a POST
// never is; a 301/302/307 to the same host is followed (a renamed or transferred repository), a
// redirect to another host is refused.
#include "tests/reconciler/client_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

TEST(transient_backoff, doubles_from_a_second_up_to_thirty_with_up_to_half_again_of_jitter) {
  EXPECT_EQ(reconciler::transient_backoff(0, 0.0), 1s);
  EXPECT_EQ(reconciler::transient_backoff(1, 0.0), 2s);
  EXPECT_EQ(reconciler::transient_backoff(3, 0.0), 8s);
  EXPECT_EQ(reconciler::transient_backoff(10, 0.0), 30s);  // capped
  EXPECT_EQ(reconciler::transient_backoff(0, 0.5), 1250ms);
  EXPECT_LT(reconciler::transient_backoff(2, 0.999999), 6s);
  EXPECT_EQ(reconciler::transient_backoff(2, 7.0), reconciler::transient_backoff(2, 0.999999));  // clamped
}

TEST_F(client_fixture, server_errors_in_a_walk_are_retried_with_growing_waits_and_nothing_is_lost) {
  auto client = token_client();
  const auto numbers = pull_numbers(client, [&](int page) {
    if (page == 1) {
      fake_->inject({.status = 502, .retry_after = std::nullopt, .count = 1});
      fake_->inject({.status = 504, .retry_after = std::nullopt, .count = 1});
      fake_->inject({.status = 503, .retry_after = 7, .count = 1});
    }
  });
  EXPECT_EQ(numbers.size(), 250u);
  EXPECT_EQ(std::set<std::int64_t>(numbers.begin(), numbers.end()).size(), 250u);
  // jitter 0.5: 1 s and 2 s plus a quarter; a retry-after is taken as it is.
  EXPECT_EQ(clock_->sleeps(), (std::vector<std::chrono::milliseconds>{1250ms, 2500ms, 7s}));
  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 3u + 3u);
  EXPECT_EQ(requests[1].status, 502u);
  EXPECT_EQ(requests[3].status, 503u);
  EXPECT_EQ(requests[4].status, 200u);
  EXPECT_EQ(requests[1].target, requests[4].target);  // the same page asked again
  EXPECT_EQ(client.counters().transient_retries, 3);
}

TEST_F(client_fixture, a_server_error_that_persists_ends_in_an_api_error_after_four_retries) {
  auto client = token_client();
  fake_->inject({.status = 503, .retry_after = std::nullopt, .count = 100});
  try {
    client.send(unconditional("/repos/octo-org/hello"));
    ADD_FAILURE() << "no error";
  } catch (const reconciler::api_error& error) {
    EXPECT_EQ(error.status, 503u);
  }
  EXPECT_EQ(fake_->requests().size(), 5u);
  EXPECT_EQ(clock_->sleeps(), (std::vector<std::chrono::milliseconds>{1250ms, 2500ms, 5s, 10s}));
}

TEST_F(client_fixture, a_post_is_never_sent_twice_after_a_server_error_or_a_cut_connection) {
  auto client = token_client();
  fake_->inject({.status = 502, .retry_after = std::nullopt, .count = 1});
  EXPECT_THROW(client.send(reconciler::api_post("/orgs/octo-org/hooks/1/deliveries/2/attempts")),
               reconciler::api_error);
  EXPECT_EQ(fake_->requests().size(), 1u);
  auto fresh = token_client();  // a new connection: the cut is not a stale keep-alive
  fake_->inject_dropped_connection(1);
  EXPECT_THROW(fresh.send(reconciler::api_post("/orgs/octo-org/hooks/1/deliveries/2/attempts")),
               reconciler::transport_error);
  EXPECT_EQ(fake_->requests().size(), 2u);
  EXPECT_TRUE(clock_->sleeps().empty());
}

TEST_F(client_fixture, a_get_whose_connection_is_cut_is_sent_again_on_a_new_one) {
  auto client = token_client();
  fake_->inject_dropped_connection(2);
  const auto response = client.send(unconditional("/repos/octo-org/hello"));
  EXPECT_EQ(response.status, 200u);
  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].status, 0u);
  EXPECT_EQ(requests[2].status, 200u);
  EXPECT_EQ(clock_->sleeps(), (std::vector<std::chrono::milliseconds>{1250ms, 2500ms}));
  EXPECT_EQ(client.counters().transient_retries, 2);
  EXPECT_EQ(client.counters().requests, 1);  // answers received
}

TEST_F(client_fixture, a_renamed_repository_is_followed_to_its_new_name_on_the_same_host) {
  auto client = token_client();
  fake_->inject_redirect(301, fake_->url() + "/repos/octo-org/hello");
  const auto response = client.send(reconciler::api_get("/repos/octo-org/old-hello"));
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(reconciler::github_client::parse_json(response)["full_name"].GetString(), std::string("octo-org/hello"));
  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/repos/octo-org/old-hello");
  EXPECT_EQ(requests[0].status, 301u);
  EXPECT_EQ(requests[1].target, "/repos/octo-org/hello");
  EXPECT_EQ(client.counters().redirects, 1);

  // 302 and 307 likewise; the new name's validators are kept under its own target.
  fake_->inject_redirect(307, fake_->url() + "/repos/octo-org/hello");
  const auto again = client.send(reconciler::api_get("/repos/octo-org/old-hello"));
  EXPECT_TRUE(again.not_modified);
  EXPECT_EQ(client.counters().redirects, 2);
}

TEST_F(client_fixture, a_redirect_to_another_host_or_of_a_post_by_301_is_refused) {
  auto client = token_client();
  fake_->inject_redirect(302, "http://127.0.0.2:1/repos/octo-org/hello");
  try {
    client.send(unconditional("/repos/octo-org/old-hello"));
    ADD_FAILURE() << "followed";
  } catch (const reconciler::api_error& error) {
    EXPECT_EQ(error.status, 302u);
    EXPECT_NE(std::string(error.what()).find("redirect not followed"), std::string::npos) << error.what();
  }
  fake_->inject_redirect(301, fake_->url() + "/orgs/octo-org/hooks/1/deliveries/2/attempts");
  EXPECT_THROW(client.send(reconciler::api_post("/orgs/octo-org/hooks/1/deliveries/3/attempts")),
               reconciler::api_error);
  EXPECT_EQ(fake_->requests().size(), 2u);
  EXPECT_EQ(client.counters().redirects, 0);
}

}  // namespace
}  // namespace tributary::testing
