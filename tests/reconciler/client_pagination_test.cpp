// The client walking the fake's pages: every page once, conditional requests, keep-alive.
#include "tests/reconciler/client_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tributary::testing {
namespace {

TEST_F(client_fixture, walks_every_page_by_the_link_header_with_githubs_headers) {
  auto client = token_client();
  const auto numbers = pull_numbers(client);
  EXPECT_EQ(numbers.size(), 250u);
  EXPECT_EQ(std::set<std::int64_t>(numbers.begin(), numbers.end()).size(), 250u);  // none twice

  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 3u);  // 100 + 100 + 50
  EXPECT_EQ(requests[0].target, "/repos/octo-org/hello/pulls?per_page=100");
  EXPECT_EQ(requests[1].target, "/repos/octo-org/hello/pulls?per_page=100&page=2");
  for (const auto& request : requests) {
    EXPECT_EQ(request.status, 200u);
    EXPECT_EQ(request.accept, "application/vnd.github+json");
    EXPECT_EQ(request.api_version, "2022-11-28");
    EXPECT_EQ(request.authorization, "Bearer test-token");
    EXPECT_FALSE(request.user_agent.empty());
  }
  EXPECT_EQ(fake_->connections_accepted(), 1u);  // one kept-alive connection
  EXPECT_EQ(client.counters().spent, 3);
  EXPECT_EQ(client.rate_limit().remaining, 5000 - 3);
  EXPECT_EQ(client.rate_limit().resource, "core");
}

TEST_F(client_fixture, a_second_walk_with_stored_etags_gets_only_304s_and_spends_nothing) {
  auto client = token_client();
  pull_numbers(client);
  const auto remaining = fake_->remaining();
  fake_->clear_requests();

  int unchanged_pages = 0;
  client.walk_pages("/repos/octo-org/hello/pulls",
                    [&](const reconciler::api_response& response, const rapidjson::Document* page) {
                      EXPECT_TRUE(response.not_modified);
                      EXPECT_EQ(page, nullptr);
                      ++unchanged_pages;
                    });
  EXPECT_EQ(unchanged_pages, 3);  // the remembered next links carry the walk past each 304
  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.status, 304u);
    EXPECT_FALSE(request.if_none_match.empty());
  }
  EXPECT_EQ(fake_->remaining(), remaining);
  EXPECT_EQ(client.counters().not_modified, 3);
  EXPECT_EQ(client.counters().spent, 3);  // the first walk's only
}

TEST_F(client_fixture, last_modified_serves_when_there_is_no_etag) {
  fake_github_options options;
  options.last_modified_only = true;
  fake_github dated(options);
  dated.edit([](fake_github_content& content) { content.add_repository({"octo-org", "hello", 150, 0, 0}); });
  reconciler::github_client client(token_config(dated.url()), hooks());
  std::size_t pulls = 0;
  const auto count = [&](const reconciler::api_response&, const rapidjson::Document* page) {
    if (page != nullptr) pulls += page->Size();
  };
  client.walk_pages("/repos/octo-org/hello/pulls", count);
  const auto remaining = dated.remaining();
  dated.clear_requests();
  client.walk_pages("/repos/octo-org/hello/pulls", count);
  EXPECT_EQ(pulls, 150u);
  const auto requests = dated.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.status, 304u);
    EXPECT_TRUE(request.if_none_match.empty());
    EXPECT_TRUE(request.if_modified_since.ends_with(" GMT")) << request.if_modified_since;
  }
  EXPECT_EQ(dated.remaining(), remaining);
}

TEST_F(client_fixture, a_changed_resource_is_fetched_again) {
  auto client = token_client();
  pull_numbers(client);
  fake_->edit([](fake_github_content& content) {
    content.add_repository({"octo-org", "hello", 251, 120, 30});  // one more pull
  });
  fake_->clear_requests();
  const auto numbers = pull_numbers(client);
  EXPECT_EQ(numbers.size(), 251u);
  const auto requests = fake_->requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests[0].status, 200u);  // page 1 changed
}

TEST_F(client_fixture, reconnects_when_the_server_closes_the_connection) {
  fake_->close_after_each_answer(true);
  auto client = token_client();
  EXPECT_EQ(pull_numbers(client).size(), 250u);
  EXPECT_EQ(fake_->connections_accepted(), 3u);
  for (const auto& request : fake_->requests()) EXPECT_EQ(request.status, 200u);
}

TEST_F(client_fixture, resends_once_when_a_kept_alive_connection_was_dropped_meanwhile) {
  fake_->drop_connections_silently(true);
  auto client = token_client();
  EXPECT_EQ(pull_numbers(client).size(), 250u);
  EXPECT_EQ(fake_->connections_accepted(), 3u);
  EXPECT_EQ(client.connections_opened(), 3u);
  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 3u);  // each page asked once: the failed send never reached the server
  for (const auto& request : requests) EXPECT_EQ(request.status, 200u);
}

TEST_F(client_fixture, enterprise_server_api_prefix) {
  fake_github_options options;
  options.base_path = "/api/v3";
  fake_github enterprise(options);
  enterprise.edit([](fake_github_content& content) {
    content.add_organization("octo-org");
    content.add_repository({"octo-org", "hello", 150, 0, 0});
  });
  reconciler::github_client client(token_config(enterprise.url()));
  std::size_t pulls = 0;
  client.walk_pages("/repos/octo-org/hello/pulls",
                    [&](const reconciler::api_response&, const rapidjson::Document* page) { pulls += page->Size(); });
  EXPECT_EQ(pulls, 150u);
  for (const auto& request : enterprise.requests()) EXPECT_TRUE(request.target.starts_with("/api/v3/repos/"));
}

TEST_F(client_fixture, a_missing_target_is_a_404_api_error) {
  auto client = token_client();
  try {
    client.send(reconciler::api_get("/repos/octo-org/absent"));
    FAIL() << "no error";
  } catch (const reconciler::api_error& error) {
    EXPECT_EQ(error.status, 404u);
    EXPECT_NE(std::string(error.what()).find("Not Found"), std::string::npos);
  }
}

}  // namespace
}  // namespace tributary::testing
