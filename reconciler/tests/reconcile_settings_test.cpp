#include "reconciler/reconcile_settings.hpp"
#include "reconciler/commit_line_counts.hpp"
#include "reconciler/repository_metadata.hpp"

#include <gtest/gtest.h>

namespace tributary::reconciler {
namespace {

run_config config_from(std::map<std::string, std::string> environment) {
  environment.emplace("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
  environment.emplace("DATABASE_URL", "postgresql:///x");
  environment.emplace("GITHUB_TOKEN", "t");
  const auto specs = reconciler_setting_specs();
  return make_run_config(core::settings::load(specs, {}, environment));
}

TEST(reconcile_settings, targets_are_organisations_or_repositories) {
  const auto targets = parse_targets("octo-org, octo-org/hello.world  other_org\n");
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_TRUE(targets[0].is_organization());
  EXPECT_EQ(targets[1].owner, "octo-org");
  EXPECT_EQ(targets[1].repository, "hello.world");
  EXPECT_EQ(targets[1].text(), "octo-org/hello.world");
  EXPECT_EQ(targets[2].text(), "other_org");
  for (const auto* bad : {"a/b/c", "/repo", "org/", "org/..", "o rg/x;", "org/ré"})
    EXPECT_THROW(parse_target(bad), core::settings_error) << bad;
}

TEST(reconcile_settings, hooks_follow_the_three_forms) {
  const auto hooks = parse_hooks("org/octo-org/12, repo/octo-org/hello/34 app");
  ASSERT_EQ(hooks.size(), 3u);
  EXPECT_EQ(hooks[0].kind, hook_kind::organization);
  EXPECT_EQ(hooks[0].owner, "octo-org");
  EXPECT_EQ(hooks[0].hook_id, 12);
  EXPECT_EQ(hooks[1].kind, hook_kind::repository);
  EXPECT_EQ(hooks[1].repo, "hello");
  EXPECT_EQ(hooks[1].hook_id, 34);
  EXPECT_EQ(hooks[2].kind, hook_kind::app);
  for (const auto* bad : {"org/octo-org", "org/octo-org/x", "org/octo-org/0", "repo/a/1",
                          "user/a/1", "app/1", "org/octo-org/12/extra"})
    EXPECT_THROW(parse_hooks(bad), hook_entry_error) << bad;
  EXPECT_THROW(config_from({{"RECONCILE_HOOKS", "org/octo-org"}}), core::settings_error);
}

TEST(reconcile_settings, defaults_and_validation) {
  const auto config = config_from({});
  EXPECT_TRUE(config.targets.empty());
  EXPECT_EQ(config.interval, std::chrono::hours(1));
  EXPECT_DOUBLE_EQ(config.rate_limit_share, 0.5);
  EXPECT_EQ(config.request_budget, 0);
  EXPECT_EQ(config.commit_budget, 500);
  EXPECT_THROW(config_from({{"RECONCILE_RATE_LIMIT_SHARE", "0"}}), core::settings_error);
  EXPECT_THROW(config_from({{"RECONCILE_RATE_LIMIT_SHARE", "1.5"}}), core::settings_error);
  EXPECT_THROW(config_from({{"RECONCILE_RATE_LIMIT_SHARE", "half"}}), core::settings_error);
  EXPECT_THROW(config_from({{"RECONCILE_REQUEST_BUDGET", "-1"}}), core::settings_error);
  EXPECT_THROW(config_from({{"RECONCILE_TARGETS", "a/b/c"}}), core::settings_error);
  EXPECT_THROW(config_from({{"RECONCILE_HOOKS", "app"}}), core::settings_error);  // needs an App
  EXPECT_EQ(config_from({{"RECONCILE_HOOKS", "org/o/1"}}).hooks.size(), 1u);
}

TEST(synthetic_events, a_repository_event_is_webhook_shaped_with_a_deterministic_id) {
  rapidjson::Document repository;
  repository.Parse(R"({"id":7,"full_name":"o/r","updated_at":"2024-01-02T03:04:05Z",
                       "stargazers_count":3,"forks_count":1,"open_issues_count":0})");
  const auto message = repository_event(repository);
  EXPECT_EQ(message.event, "repository");
  EXPECT_EQ(message.delivery_id, "reconciler:repository:7:2024-01-02T03:04:05Z:3:1:0");
  EXPECT_STREQ(message.payload["action"].GetString(), "edited");
  EXPECT_STREQ(message.payload["repository"]["full_name"].GetString(), "o/r");
  EXPECT_EQ(repository_event(repository).delivery_id, message.delivery_id);
}

TEST(synthetic_events, a_commit_becomes_a_push_carrying_its_stats) {
  rapidjson::Document repository;
  repository.Parse(R"({"id":7,"full_name":"o/r","name":"r"})");
  rapidjson::Document commit;
  commit.Parse(R"({"sha":"abc","author":{"login":"octocat"},
                   "commit":{"message":"m","author":{"name":"N","email":"e@x","date":"2024-01-02T03:04:05Z"}},
                   "stats":{"additions":10,"deletions":4,"total":14}})");
  const auto message = commit_event(repository, commit);
  EXPECT_EQ(message.event, "push");
  EXPECT_EQ(message.delivery_id, "reconciler:commit:7:abc");
  const auto& pushed = message.payload["commits"][0];
  EXPECT_STREQ(pushed["id"].GetString(), "abc");
  EXPECT_STREQ(pushed["timestamp"].GetString(), "2024-01-02T03:04:05Z");
  EXPECT_STREQ(pushed["author"]["username"].GetString(), "octocat");
  EXPECT_STREQ(pushed["author"]["email"].GetString(), "e@x");
  EXPECT_EQ(pushed["stats"]["additions"].GetInt64(), 10);
  EXPECT_EQ(pushed["stats"]["deletions"].GetInt64(), 4);
  commit.RemoveMember("stats");
  EXPECT_THROW(commit_event(repository, commit), api_error);
}

}  // namespace
}  // namespace tributary::reconciler
