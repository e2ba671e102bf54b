// GitHub App auth against the fake: a JWT exchanged for installation tokens, refreshed before
// expiry mid-walk, and once after a 401.
#include "tests/reconciler/client_fixture.hpp"

#include "tests/reconciler/app_key_pair.hpp"

#include <gtest/gtest.h>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

class app_auth_test : public client_fixture {
 protected:
  /// A fake that knows app 4242, installation 77, and the key's public half; its time is the
  /// shared clock plus `skew`.
  std::unique_ptr<fake_github> app_fake(std::chrono::seconds skew = 0s) {
    fake_github_options options;
    options.app_id = "4242";
    options.installation_id = "77";
    options.app_public_key_pem = keys_.public_pem();
    options.tokens.clear();
    options.now = [clock = clock_, skew] { return clock->now() + skew; };
    auto fake = std::make_unique<fake_github>(options);
    fake->edit([](fake_github_content& content) { content.add_repository({"octo-org", "hello", 250, 0, 0}); });
    return fake;
  }

  reconciler::github_config app_config(const fake_github& fake) {
    auto config = token_config(fake.url());
    config.auth = reconciler::app_credentials{"4242", keys_.private_key_file(), "77"};
    return config;
  }

  app_key_pair keys_;
};

TEST_F(app_auth_test, exchanges_a_signed_jwt_for_an_installation_token) {
  auto fake = app_fake();
  reconciler::github_client client(app_config(*fake), hooks());
  EXPECT_EQ(client.send(reconciler::api_get("/repos/octo-org/hello")).status, 200u);
  const auto requests = fake->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/app/installations/77/access_tokens");
  EXPECT_EQ(requests[0].status, 201u);  // the fake verified the JWT's signature and claims
  EXPECT_EQ(requests[1].authorization, "Bearer ghs_fake1");
  EXPECT_EQ(client.counters().token_refreshes, 1);
}

TEST_F(app_auth_test, a_token_expiring_mid_walk_is_replaced_before_any_request_fails) {
  auto fake = app_fake();
  reconciler::github_client client(app_config(*fake), hooks());
  // The walk runs for 56 minutes between its first and second page: the first token (one hour)
  // has under five minutes left, and then 61 minutes after the second.
  const auto numbers = pull_numbers(client, [&](int page) {
    if (page == 1) clock_->advance(56min);
    if (page == 2) clock_->advance(61min);
  });
  EXPECT_EQ(numbers.size(), 250u);
  for (const auto& request : fake->requests()) EXPECT_NE(request.status, 401u) << request.target;
  EXPECT_EQ(fake->installation_tokens_issued(), 3u);
  EXPECT_EQ(client.counters().token_refreshes, 3);
}

TEST_F(app_auth_test, a_401_gets_one_new_token_and_one_retry) {
  auto fake = app_fake();
  reconciler::github_client client(app_config(*fake), hooks());
  EXPECT_EQ(client.send(reconciler::api_get("/repos/octo-org/hello")).status, 200u);
  fake->revoke_installation_tokens();  // valid by its expiry, refused all the same
  EXPECT_EQ(client.send(unconditional("/repos/octo-org/hello")).status, 200u);
  const auto requests = fake->requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[2].status, 401u);
  EXPECT_EQ(requests[3].target, "/app/installations/77/access_tokens");
  EXPECT_EQ(requests[4].status, 200u);
  EXPECT_EQ(requests[4].authorization, "Bearer ghs_fake2");
}

TEST_F(app_auth_test, the_fake_refuses_an_installation_token_past_its_expiry) {
  // What the client's refresh avoids: the token used as a plain bearer token, before and after.
  auto fake = app_fake();
  reconciler::github_client app(app_config(*fake), hooks());
  app.send(reconciler::api_get("/repos/octo-org/hello"));
  auto config = token_config(fake->url());
  config.auth = reconciler::token_credentials{fake->requests().back().authorization.substr(7)};
  reconciler::github_client plain(config, hooks());
  EXPECT_EQ(plain.send(unconditional("/repos/octo-org/hello")).status, 200u);
  clock_->advance(61min);
  try {
    plain.send(unconditional("/repos/octo-org/hello"));
    FAIL() << "no error";
  } catch (const reconciler::api_error& error) {
    EXPECT_EQ(error.status, 401u);
  }
}

TEST_F(app_auth_test, a_key_the_app_does_not_have_is_refused) {
  auto fake = app_fake();
  app_key_pair other;
  auto config = app_config(*fake);
  config.auth = reconciler::app_credentials{"4242", other.private_key_file(), "77"};
  reconciler::github_client client(config, hooks());
  try {
    client.send(reconciler::api_get("/repos/octo-org/hello"));
    FAIL() << "no error";
  } catch (const reconciler::api_error& error) {
    EXPECT_EQ(error.status, 401u);
  }
}

}  // namespace
}  // namespace tributary::testing
