// The history resources' synthetic events (default_branch_commits, stargazers, releases, teams):
// REST objects in, webhook-shaped payloads with deterministic delivery ids out.
#include "reconciler/default_branch_commits.hpp"
#include "reconciler/releases.hpp"
#include "reconciler/stargazers.hpp"
#include "reconciler/teams.hpp"
#include "reconciler/tests/parsed_json.hpp"

#include <gtest/gtest.h>

namespace tributary::reconciler {
namespace {

const char* repository_json = R"({"id":7,"full_name":"o/r","name":"r","owner":{"login":"o","id":9}})";
const char* organization_json = R"({"login":"o","id":9})";

TEST(history_events, a_listed_commit_becomes_a_push_carrying_it_without_stats) {
  const auto repository = parsed(repository_json);
  // commit-items, abridged: what GET /repos/{owner}/{repo}/commits lists.
  auto commit = parsed(R"({"sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e",
      "commit":{"author":{"name":"Monalisa Octocat","email":"support@github.com","date":"2011-04-14T16:00:49Z"},
                "committer":{"name":"Monalisa Octocat","email":"support@github.com","date":"2011-04-14T16:00:49Z"},
                "message":"Fix all the bugs"},
      "author":{"login":"octocat","id":1},"committer":{"login":"octocat","id":1}})");
  const auto message = default_branch_commit_event(repository, commit);
  EXPECT_EQ(message.event, "push");
  EXPECT_EQ(message.delivery_id, "reconciler:push:7:6dcb09b5b57875f334f61aebed695e2e4193db5e");
  EXPECT_EQ(message.payload["repository"]["id"].GetInt64(), 7);
  ASSERT_EQ(message.payload["commits"].Size(), 1u);
  const auto& pushed = message.payload["commits"][0];
  EXPECT_STREQ(pushed["id"].GetString(), "6dcb09b5b57875f334f61aebed695e2e4193db5e");
  EXPECT_STREQ(pushed["timestamp"].GetString(), "2011-04-14T16:00:49Z");
  EXPECT_STREQ(pushed["message"].GetString(), "Fix all the bugs");
  EXPECT_STREQ(pushed["author"]["name"].GetString(), "Monalisa Octocat");
  EXPECT_STREQ(pushed["author"]["email"].GetString(), "support@github.com");
  EXPECT_STREQ(pushed["author"]["username"].GetString(), "octocat");
  EXPECT_FALSE(pushed.HasMember("stats"));  // the resource "commit_stats" fills them
  EXPECT_EQ(default_branch_commit_event(repository, commit).delivery_id, message.delivery_id);

  // An author GitHub matched to no account: no username, as in a webhook.
  commit["author"].SetNull();
  EXPECT_FALSE(default_branch_commit_event(repository, commit).payload["commits"][0]["author"].HasMember("username"));
  commit["commit"].RemoveMember("author");
  EXPECT_THROW(default_branch_commit_event(repository, commit), api_error);
}

TEST(history_events, a_stargazer_becomes_a_star_created_with_starred_at) {
  const auto repository = parsed(repository_json);
  auto stargazer = parsed(R"({"starred_at":"2011-01-16T19:06:43Z","user":{"login":"octocat","id":1,"type":"User"}})");
  const auto message = star_event(repository, stargazer);
  EXPECT_EQ(message.event, "star");
  EXPECT_EQ(message.delivery_id, "reconciler:star:7:1:2011-01-16T19:06:43Z");
  EXPECT_STREQ(message.payload["action"].GetString(), "created");
  EXPECT_STREQ(message.payload["starred_at"].GetString(), "2011-01-16T19:06:43Z");
  EXPECT_STREQ(message.payload["sender"]["login"].GetString(), "octocat");
  EXPECT_EQ(message.payload["repository"]["id"].GetInt64(), 7);
  // Starred again later: another version, another id.
  stargazer["starred_at"].SetString("2012-01-16T19:06:43Z");
  EXPECT_NE(star_event(repository, stargazer).delivery_id, message.delivery_id);
  // Without the star+json media type a stargazer is a bare user: refused.
  const auto bare = parsed(R"({"login":"octocat","id":1})");
  EXPECT_THROW(star_event(repository, bare), api_error);
}

TEST(history_events, a_release_becomes_published_or_created_for_a_draft) {
  const auto repository = parsed(repository_json);
  auto release = parsed(R"({"id":1,"tag_name":"v1.0.0","name":"v1.0.0","draft":false,"prerelease":false,
      "created_at":"2013-02-27T19:35:32Z","published_at":"2013-02-27T19:40:32Z",
      "author":{"login":"octocat","id":1}})");
  const auto message = release_event(repository, release);
  EXPECT_EQ(message.event, "release");
  EXPECT_EQ(message.delivery_id, "reconciler:release:1:2013-02-27T19:40:32Z");
  EXPECT_STREQ(message.payload["action"].GetString(), "published");
  EXPECT_STREQ(message.payload["release"]["tag_name"].GetString(), "v1.0.0");
  EXPECT_STREQ(message.payload["sender"]["login"].GetString(), "octocat");
  // GitHub's updated_at, when the object carries one, is the version.
  release.AddMember("updated_at", "2014-01-01T00:00:00Z", release.GetAllocator());
  EXPECT_EQ(release_event(repository, release).delivery_id, "reconciler:release:1:2014-01-01T00:00:00Z");
  release["draft"].SetBool(true);
  release["published_at"].SetNull();
  EXPECT_STREQ(release_event(repository, release).payload["action"].GetString(), "created");
  release.RemoveMember("tag_name");
  EXPECT_THROW(release_event(repository, release), api_error);
}

TEST(history_events, a_team_and_its_members_become_team_and_membership_events) {
  const auto organization = parsed(organization_json);
  auto team = parsed(R"({"id":1,"name":"Justice League","slug":"justice-league","privacy":"closed",
      "permission":"admin","parent":null})");
  const auto message = team_event(organization, team, "created");
  EXPECT_EQ(message.event, "team");
  EXPECT_STREQ(message.payload["action"].GetString(), "created");
  EXPECT_STREQ(message.payload["team"]["slug"].GetString(), "justice-league");
  EXPECT_EQ(message.payload["organization"]["id"].GetInt64(), 9);
  EXPECT_TRUE(message.delivery_id.starts_with("reconciler:team:1:")) << message.delivery_id;
  EXPECT_EQ(team_event(organization, team, "edited").delivery_id, message.delivery_id);
  team["name"].SetString("Avengers");
  EXPECT_NE(team_event(organization, team, "edited").delivery_id, message.delivery_id);

  const auto member = parsed(R"({"login":"octocat","id":1,"type":"User"})");
  const auto added = membership_event(organization, team, member);
  EXPECT_EQ(added.event, "membership");
  EXPECT_EQ(added.delivery_id, "reconciler:membership:1:1:added");
  EXPECT_STREQ(added.payload["action"].GetString(), "added");
  EXPECT_STREQ(added.payload["scope"].GetString(), "team");
  EXPECT_STREQ(added.payload["member"]["login"].GetString(), "octocat");
  EXPECT_EQ(added.payload["team"]["id"].GetInt64(), 1);
  EXPECT_FALSE(added.payload.HasMember("repository"));
}

}  // namespace
}  // namespace tributary::reconciler
