// The fake itself: GitHub's shapes from the OpenAPI examples, the star media type, commit stats,
// and the hook deliveries API with cursor pagination.
#include "tests/reconciler/client_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tributary::testing {
namespace {

TEST_F(client_fixture, objects_have_githubs_shapes_with_their_own_identity) {
  auto client = token_client();
  const auto repository = reconciler::github_client::parse_json(client.send(reconciler::api_get("/repos/octo-org/hello")));
  EXPECT_STREQ(repository["full_name"].GetString(), "octo-org/hello");
  EXPECT_STREQ(repository["owner"]["login"].GetString(), "octo-org");
  EXPECT_EQ(repository["stargazers_count"].GetInt(), 30);
  EXPECT_TRUE(repository.HasMember("default_branch"));  // from the example, not written here
  const auto org = reconciler::github_client::parse_json(client.send(reconciler::api_get("/orgs/octo-org")));
  EXPECT_STREQ(org["login"].GetString(), "octo-org");

  std::vector<std::string> names;
  client.walk_pages("/orgs/octo-org/repos", [&](const reconciler::api_response&, const rapidjson::Document* page) {
    for (const auto& repo : page->GetArray()) names.emplace_back(repo["full_name"].GetString());
  });
  EXPECT_EQ(names, std::vector<std::string>{"octo-org/hello"});
}

TEST_F(client_fixture, commits_list_and_detail_with_line_counts) {
  auto client = token_client();
  std::vector<std::string> shas;
  client.walk_pages("/repos/octo-org/hello/commits", [&](const reconciler::api_response&, const rapidjson::Document* page) {
    for (const auto& commit : page->GetArray()) shas.emplace_back(commit["sha"].GetString());
  });
  ASSERT_EQ(shas.size(), 120u);
  EXPECT_EQ(std::set<std::string>(shas.begin(), shas.end()).size(), 120u);
  const auto commit = reconciler::github_client::parse_json(
      client.send(reconciler::api_get("/repos/octo-org/hello/commits/" + shas[5])));
  EXPECT_EQ(commit["stats"]["additions"].GetInt(), fake_github_content::commit_additions(shas[5]));
  EXPECT_EQ(commit["stats"]["deletions"].GetInt(), fake_github_content::commit_deletions(shas[5]));
  EXPECT_THROW(client.send(reconciler::api_get("/repos/octo-org/hello/commits/0000000000000000000000000000000000000000")),
               reconciler::api_error);
}

TEST_F(client_fixture, stargazers_with_the_star_media_type_carry_starred_at) {
  auto client = token_client();
  std::size_t with_dates = 0;
  client.walk_pages(
      "/repos/octo-org/hello/stargazers",
      [&](const reconciler::api_response&, const rapidjson::Document* page) {
        for (const auto& star : page->GetArray())
          if (star.HasMember("starred_at") && star["user"].HasMember("login")) ++with_dates;
      },
      reconciler::github_star_json);
  EXPECT_EQ(with_dates, 30u);
  const auto plain = reconciler::github_client::parse_json(client.send(reconciler::api_get("/repos/octo-org/hello/stargazers")));
  EXPECT_TRUE(plain[0].HasMember("login"));
  EXPECT_FALSE(plain[0].HasMember("starred_at"));
}

TEST_F(client_fixture, hook_deliveries_page_by_cursor_and_take_redelivery_attempts) {
  std::vector<fake_delivery> deliveries;
  for (int i = 0; i < 230; ++i) {
    fake_delivery delivery;
    delivery.id = 9000 - i;
    delivery.guid = "guid-" + std::to_string(i);
    delivery.status_code = i % 10 == 0 ? 502 : 200;
    deliveries.push_back(delivery);
  }
  fake_->edit([&](fake_github_content& content) { content.add_hook("octo-org", 12, deliveries); });
  auto client = token_client();
  std::vector<std::int64_t> failed;
  std::size_t listed = 0;
  client.walk_pages("/orgs/octo-org/hooks/12/deliveries", [&](const reconciler::api_response&, const rapidjson::Document* page) {
    for (const auto& delivery : page->GetArray()) {
      ++listed;
      if (delivery["status_code"].GetInt() != 200) failed.push_back(delivery["id"].GetInt64());
    }
  });
  EXPECT_EQ(listed, 230u);
  ASSERT_EQ(failed.size(), 23u);
  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_NE(requests[1].target.find("cursor=v1_"), std::string::npos);

  const auto answer = client.send(reconciler::api_post("/orgs/octo-org/hooks/12/deliveries/" + std::to_string(failed[0]) + "/attempts"));
  EXPECT_EQ(answer.status, 202u);
  EXPECT_EQ(fake_->redelivery_attempts(),
            std::vector<std::string>{"/orgs/octo-org/hooks/12/deliveries/" + std::to_string(failed[0]) + "/attempts"});
  EXPECT_THROW(client.send(reconciler::api_post("/orgs/octo-org/hooks/12/deliveries/1/attempts")),
               reconciler::api_error);
}

TEST_F(client_fixture, every_answer_carries_rate_limit_headers_and_304s_are_free) {
  auto client = token_client();
  const auto first = client.send(reconciler::api_get("/repos/octo-org/hello"));
  EXPECT_TRUE(first.headers.contains("etag"));
  const auto second = client.send(reconciler::api_get("/repos/octo-org/hello"));
  EXPECT_TRUE(second.not_modified);
  EXPECT_EQ(second.headers.at("x-ratelimit-remaining"), first.headers.at("x-ratelimit-remaining"));
  for (const char* name : {"x-ratelimit-limit", "x-ratelimit-used", "x-ratelimit-reset", "x-ratelimit-resource"})
    EXPECT_TRUE(second.headers.contains(name)) << name;
}

}  // namespace
}  // namespace tributary::testing
