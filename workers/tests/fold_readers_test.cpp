// The pure halves of the folds, over GitHub's own example payloads.
#include "tests/harness/webhook_examples.hpp"
#include "workers/fold_error.hpp"
#include "workers/folds/fold.hpp"
#include "workers/folds/issues.hpp"
#include "workers/folds/pull_request.hpp"
#include "workers/folds/pull_request_review.hpp"
#include "workers/folds/push.hpp"
#include "workers/folds/workflow_run.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tributary::workers {
namespace {

struct parsed_example {
  testing::example_payload example;
  rapidjson::Document document;
  payload_node root() const { return payload_node(document, ""); }
};

const std::vector<parsed_example>& examples() {
  static const auto all = [] {
    std::vector<parsed_example> result;
    for (auto& example : testing::load_webhook_examples()) {
      parsed_example parsed{std::move(example), {}};
      parsed.document.Parse(parsed.example.payload.c_str());
      result.push_back(std::move(parsed));
    }
    return result;
  }();
  return all;
}

std::vector<const parsed_example*> of(std::string_view event) {
  std::vector<const parsed_example*> result;
  for (const auto& example : examples())
    if (example.example.event == event) result.push_back(&example);
  return result;
}

TEST(fold_readers, every_top_level_repository_and_sender_reads) {
  ASSERT_EQ(examples().size(), 329u);
  for (const auto& example : examples()) {
    const auto root = example.root();
    if (const auto repository = root.optional_object("repository")) {
      const auto row = read_repository(*repository);
      EXPECT_GT(row.id, 0) << example.example.event;
      EXPECT_NE(row.full_name.find('/'), std::string::npos);
    }
    EXPECT_NO_THROW(read_user(root, "sender")) << example.example.event;
  }
}

TEST(fold_readers, push_commits_are_attributed_to_the_username_else_the_email) {
  std::size_t commits = 0;
  for (const auto* example : of("push")) {
    for (const auto& commit : read_push_commits(example->root())) {
      ++commits;
      EXPECT_EQ(commit.sha, "6113728f27ae82c7b1a177c8d03f9e96e0adf246");
      EXPECT_EQ(commit.login(), "Codertocat");
      EXPECT_EQ(commit.authored_at, "2019-05-15T15:19:25Z");
      EXPECT_EQ(commit.additions, std::nullopt);
    }
  }
  EXPECT_EQ(commits, 2u);  // two of the seven examples carry one commit each

  rapidjson::Document document;
  document.Parse(R"({"commits":[
      {"id":"a","timestamp":"2024-03-05T07:00:00+02:00","author":{"name":"N","email":"n@example.com"}},
      {"id":"a","timestamp":"2024-03-05T07:00:00+02:00","author":{"name":"N","email":"n@example.com"}},
      {"id":"b","timestamp":"2024-03-05T07:00:00Z","author":{"name":"M","email":"m@e","username":"m"},
       "stats":{"additions":3,"deletions":1}}]})");
  const auto read = read_push_commits(payload_node(document, ""));
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].login(), "n@example.com");
  EXPECT_EQ(read[1].login(), "m");
  EXPECT_EQ(read[1].additions, 3);

  document.Parse(R"({"commits":[{"id":"a","timestamp":"2024-03-05T07:00:00Z","author":{"name":"nobody"}}]})");
  try {
    read_push_commits(payload_node(document, ""));
    ADD_FAILURE() << "no fold_error";
  } catch (const fold_error& error) {
    EXPECT_STREQ(error.what(), "commits[0].author has neither username nor email");
  }
}

TEST(fold_readers, pull_requests_carry_their_sizes) {
  const auto examples = of("pull_request");
  ASSERT_EQ(examples.size(), 29u);
  for (const auto* example : examples) {
    const auto row = read_pull_request(example->root().required_object("pull_request"), true);
    EXPECT_EQ(row.id, 279147437);
    EXPECT_EQ(row.author->login, "Codertocat");
    ASSERT_TRUE(row.detail);
    EXPECT_EQ(row.detail->additions, 1);
    EXPECT_EQ(row.detail->deletions, 1);
    EXPECT_EQ(row.detail->changed_files, 1);
    EXPECT_EQ(row.detail->commits, 1);
    // Where a merge lands (the DORA views): every object names its base branch; GitHub's test
    // merge commit is there before the merge, null in some examples.
    EXPECT_EQ(row.base_ref, "master");
    if (row.merge_commit_sha) {
      EXPECT_EQ(*row.merge_commit_sha, "c4295bd74fb0f4fda03689c3df3f2803b658fd85");
    }
  }
  for (const auto* example : of("pull_request_review")) {
    const auto root = example->root();
    const auto abridged = read_pull_request(root.required_object("pull_request"), false);
    EXPECT_FALSE(abridged.detail);
    EXPECT_EQ(abridged.base_ref, "master");
    EXPECT_EQ(abridged.merge_commit_sha, "c4295bd74fb0f4fda03689c3df3f2803b658fd85");
    const auto review = read_review(root.required_object("review"));
    EXPECT_EQ(review.id, 237895671);
    EXPECT_EQ(review.state, example->example.action == "dismissed" ? "dismissed" : "commented");
  }
}

TEST(fold_readers, issues_know_their_state_assignees_and_whether_they_are_pull_requests) {
  std::map<std::string, int> pull_requests_by_action;
  for (const auto* example : of("issues")) {
    const auto issue = read_issue(example->root().required_object("issue"));
    if (issue.is_pull_request) ++pull_requests_by_action[example->example.action];
    if (example->example.action == "pinned" || example->example.action == "unpinned") {
      EXPECT_EQ(issue.state, "open");  // these payloads omit state; closed_at is null
    }
    if (example->example.action == "assigned") {
      ASSERT_EQ(issue.assignees.size(), 1u);
      EXPECT_EQ(issue.assignees[0].login, "Codertocat");
    }
  }
  EXPECT_EQ((pull_requests_by_action),
            (std::map<std::string, int>{{"demilestoned", 2}, {"milestoned", 2}}));
}

TEST(fold_readers, workflow_status_ranks_progress) {
  EXPECT_LT(workflow_status_rank("queued"), workflow_status_rank("in_progress"));
  EXPECT_LT(workflow_status_rank("in_progress"), workflow_status_rank("completed"));
  EXPECT_EQ(workflow_status_rank("requested"), workflow_status_rank("waiting"));
}

TEST(fold_readers, the_folded_families_are_the_contracts) {
  for (const char* name : {"push", "pull_request", "pull_request_review", "issues", "star", "watch",
                           "create", "delete", "release", "workflow_run", "deployment",
                           "deployment_status", "member", "membership", "team", "team_add",
                           "repository", "installation", "installation_repositories", "ping"})
    EXPECT_TRUE(is_folded(name)) << name;
  EXPECT_FALSE(is_folded("issue_comment"));
  EXPECT_FALSE(is_folded("check_run"));
  EXPECT_EQ(folded_event_names().size(), 20u);
}

}  // namespace
}  // namespace tributary::workers
