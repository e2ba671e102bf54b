// The synthetic events of pull requests, reviews and issues: webhook-shaped, with delivery ids
// derived from the entity and its version.
#include "reconciler/issues.hpp"
#include "reconciler/pull_request_reviews.hpp"
#include "reconciler/pull_requests.hpp"
#include "reconciler/rest_json.hpp"
#include "reconciler/watermark_walk.hpp"
#include "reconciler/tests/parsed_json.hpp"

#include <gtest/gtest.h>

namespace tributary::reconciler {
namespace {

const char* const repository_json = R"({"id":7,"full_name":"o/r","name":"r"})";

TEST(tracker_events, a_closed_pull_request_is_a_closed_event_carrying_its_sizes) {
  const auto repository = parsed(repository_json);
  const auto pull = parsed(R"({"id":41,"number":3,"state":"closed","merged":true,
      "updated_at":"2025-12-01T10:00:00Z","closed_at":"2025-12-01T10:00:00Z",
      "merged_at":"2025-12-01T10:00:00Z","additions":12,"deletions":3,"changed_files":2})");
  const auto message = pull_request_event(repository, pull);
  EXPECT_EQ(message.event, "pull_request");
  EXPECT_EQ(message.delivery_id, "reconciler:pull_request:41:2025-12-01T10:00:00Z");
  EXPECT_STREQ(message.payload["action"].GetString(), "closed");
  EXPECT_EQ(message.payload["number"].GetInt64(), 3);
  EXPECT_EQ(message.payload["pull_request"]["additions"].GetInt64(), 12);
  EXPECT_TRUE(message.payload["pull_request"]["merged"].GetBool());
  EXPECT_EQ(message.payload["repository"]["id"].GetInt64(), 7);
  EXPECT_EQ(pull_request_event(repository, pull).delivery_id, message.delivery_id);
}

TEST(tracker_events, an_open_pull_request_is_opened_and_a_new_version_has_a_new_id) {
  const auto repository = parsed(repository_json);
  auto pull = parsed(R"({"id":41,"number":3,"state":"open","updated_at":"2025-12-01T10:00:00Z"})");
  const auto first = pull_request_event(repository, pull);
  EXPECT_STREQ(first.payload["action"].GetString(), "opened");
  pull["updated_at"].SetString("2025-12-02T10:00:00Z");
  EXPECT_NE(pull_request_event(repository, pull).delivery_id, first.delivery_id);
}

TEST(tracker_events, a_review_is_submitted_in_the_webhooks_lower_case) {
  const auto repository = parsed(repository_json);
  const auto pull = parsed(R"({"id":41,"number":3,"state":"open","updated_at":"2025-12-01T10:00:00Z"})");
  const auto review = parsed(R"({"id":900,"state":"CHANGES_REQUESTED","user":{"login":"u","id":5},
      "submitted_at":"2025-12-01T09:00:00Z","commit_id":"abc"})");
  const auto message = review_event(repository, pull, review);
  EXPECT_EQ(message.event, "pull_request_review");
  EXPECT_EQ(message.delivery_id,
            "reconciler:pull_request_review:900:changes_requested:2025-12-01T09:00:00Z");
  EXPECT_STREQ(message.payload["action"].GetString(), "submitted");
  EXPECT_STREQ(message.payload["review"]["state"].GetString(), "changes_requested");
  EXPECT_STREQ(message.payload["review"]["commit_id"].GetString(), "abc");
  EXPECT_EQ(message.payload["pull_request"]["id"].GetInt64(), 41);

  const auto dismissed = parsed(R"({"id":900,"state":"DISMISSED","submitted_at":"2025-12-01T09:00:00Z"})");
  const auto later = review_event(repository, pull, dismissed);
  EXPECT_STREQ(later.payload["action"].GetString(), "dismissed");
  EXPECT_NE(later.delivery_id, message.delivery_id);
}

TEST(tracker_events, an_issue_event_says_closed_for_a_closed_issue_whatever_the_database_knew) {
  const auto repository = parsed(repository_json);
  const auto closed = parsed(R"({"id":51,"number":9,"state":"closed","state_reason":"completed",
      "updated_at":"2025-12-03T00:00:00Z","closed_at":"2025-12-03T00:00:00Z",
      "assignees":[{"login":"a","id":1},{"login":"b","id":2}]})");
  const auto message = issue_event(repository, closed, false);
  EXPECT_EQ(message.event, "issues");
  EXPECT_EQ(message.delivery_id, "reconciler:issue:51:2025-12-03T00:00:00Z");
  EXPECT_STREQ(message.payload["action"].GetString(), "closed");
  EXPECT_EQ(message.payload["issue"]["assignees"].Size(), 2u);
  EXPECT_EQ(issue_action(closed, true), "closed");

  const auto open = parsed(R"({"id":52,"number":10,"state":"open","updated_at":"2025-12-03T00:00:00Z"})");
  EXPECT_EQ(issue_action(open, false), "opened");
  EXPECT_EQ(issue_action(open, true), "edited");
}

TEST(tracker_events, the_watermark_stops_at_an_item_updated_before_it) {
  const auto item = parsed(R"({"updated_at":"2025-12-01T10:00:00Z"})");
  EXPECT_FALSE(older_than_watermark(item, ""));
  EXPECT_FALSE(older_than_watermark(item, "2025-12-01T10:00:00Z"));
  EXPECT_FALSE(older_than_watermark(item, "2025-11-30T23:59:59Z"));
  EXPECT_TRUE(older_than_watermark(item, "2025-12-01T10:00:01Z"));
}

TEST(tracker_events, each_list_order_stops_where_the_last_walk_did) {
  const auto commit = parsed(R"({"sha":"abc","updated_at":"2025-12-01T10:00:00Z"})");
  const auto by_sha = newest_first_by_key([](const rapidjson::Value& item) { return text_of_member(item, "sha"); });
  EXPECT_EQ(by_sha.mark_of(commit), "abc");
  EXPECT_TRUE(by_sha.reached(commit, "abc"));
  EXPECT_FALSE(by_sha.reached(commit, "abd"));
  EXPECT_FALSE(by_sha.reached(commit, ""));  // a first walk reads the whole list
  const auto by_update = newest_updated_first();
  EXPECT_EQ(by_update.mark_of(commit), "2025-12-01T10:00:00Z");
  EXPECT_FALSE(by_update.reached(commit, "2025-12-01T10:00:00Z"));
  EXPECT_TRUE(by_update.reached(commit, "2025-12-01T10:00:01Z"));
  EXPECT_FALSE(whole_list.mark_of || whole_list.reached);
}

}  // namespace
}  // namespace tributary::reconciler
