// Replays never undo newer state (schemas/README.md, "Newest snapshot wins"): an old event
// delivered again after a newer one — under a new delivery id, as the reconciler replays history,
// and received later than the newer event — leaves the newer state; the same delivery id again is
// a duplicate. Times from the future (a received-at header, a payload time) never pin a row, and
// a repository snapshot without stargazers_count keeps the known count. Every delivery is one of
// GitHub's examples with its ids, times and actions changed.
#include "tests/harness/payload_edit.hpp"
#include "tests/workers/applier_fixture.hpp"

#include "core/clock.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

namespace tributary::testing {
namespace {

using rapidjson::Document;
using rapidjson::Value;

const example_book& book() {
  static const example_book examples;
  return examples;
}

/// A user object shaped like the example's sender.
void set_user(Document& document, const std::string& path, const std::string& login, std::int64_t id) {
  Value user;
  user.CopyFrom(document["sender"], document.GetAllocator());
  at(document, path) = user;
  set(document, path + ".login", login);
  set(document, path + ".id", id);
}

/// The repository snapshot of the moment: its id and name, and GitHub's times and count.
void set_repository(Document& document, std::int64_t id, const std::string& updated_at,
                    const std::string& pushed_at, std::int64_t stars) {
  set(document, "repository.id", id);
  set(document, "repository.name", "r" + std::to_string(id));
  set(document, "repository.full_name", "acme/r" + std::to_string(id));
  set(document, "repository.updated_at", updated_at);
  set(document, "repository.pushed_at", pushed_at);
  set(document, "repository.stargazers_count", stars);
}

delivery make(const std::string& event, const Document& document, const std::string& id,
              const std::string& received_at, const std::string& source = "webhook") {
  delivery item;
  item.event = event;
  item.delivery_id = id;
  item.received_at = received_at;
  item.source = source;
  item.payload = json_of(document);
  return item;
}

/// The same delivery again: under a new id (the reconciler replaying history) or its own (GitHub's
/// redelivery), received at `received_at`, later than everything it follows.
delivery again(delivery item, const std::string& id, const std::string& received_at) {
  item.delivery_id = id;
  item.received_at = received_at;
  return item;
}

/// A story of one entity: deliveries in the order they arrive (the replays last), and a query
/// whose one text value is the state the newest event left.
struct scenario {
  std::string name;
  std::vector<delivery> deliveries;
  std::size_t duplicates = 0;  // deliveries whose id came before
  std::string query;
  std::string expected;
};

const std::string later = "2024-05-09T00:00:00.000Z";  // when the replays arrive
const std::string even_later = "2024-05-09T01:00:00.000Z";

scenario star_created_replayed_after_deleted() {
  // starred_at orders a star; an unstar carries starred_at null and the repository's updated_at.
  auto created = book().take("star", "created");
  set_user(created, "sender", "dora", 201);
  set(created, "starred_at", "2024-05-01T10:00:00Z");
  set_repository(created, 7101, "2024-05-01T10:00:00Z", "2024-04-01T00:00:00Z", 1);
  auto deleted = book().take("star", "deleted");
  set_user(deleted, "sender", "dora", 201);
  set_repository(deleted, 7101, "2024-05-01T10:05:00Z", "2024-04-01T00:00:00Z", 0);
  auto watch = book().take("watch", "started");
  set_user(watch, "sender", "dora", 201);
  set_repository(watch, 7101, "2024-05-01T10:00:00Z", "2024-04-01T00:00:00Z", 1);
  const auto first = make("star", created, "star-1", "2024-05-01T10:00:00.500Z");
  return {"star created replayed after deleted",
          {first, make("star", deleted, "star-2", "2024-05-01T10:05:00.500Z"),
           make("watch", watch, "star-watch", "2024-05-01T10:00:00.600Z"),
           again(first, "star-1-replay", later), again(first, "star-1", even_later)},
          1,
          "SELECT s.starred::text || ' ' || r.stargazers_count FROM github.stars s "
          "JOIN github.repositories r ON r.id = s.repository_id "
          "WHERE s.repository_id = 7101 AND s.user_id = 201",
          "false 0"};
}

scenario star_deleted_replayed_after_starring_again() {
  // A removal outranks nothing later: starred again after the unstar, the old unstar replayed.
  auto created = book().take("star", "created");
  set_user(created, "sender", "eve", 202);
  set(created, "starred_at", "2024-05-01T10:00:00Z");
  set_repository(created, 7111, "2024-05-01T10:00:00Z", "2024-04-01T00:00:00Z", 1);
  auto deleted = book().take("star", "deleted");
  set_user(deleted, "sender", "eve", 202);
  set_repository(deleted, 7111, "2024-05-01T10:05:00Z", "2024-04-01T00:00:00Z", 0);
  auto again_created = book().take("star", "created");
  set_user(again_created, "sender", "eve", 202);
  set(again_created, "starred_at", "2024-05-01T10:10:00Z");
  set_repository(again_created, 7111, "2024-05-01T10:10:00Z", "2024-04-01T00:00:00Z", 1);
  const auto unstar = make("star", deleted, "restar-2", "2024-05-01T10:05:00.500Z");
  return {"star deleted replayed after starring again",
          {make("star", created, "restar-1", "2024-05-01T10:00:00.500Z"), unstar,
           make("star", again_created, "restar-3", "2024-05-01T10:10:00.500Z"),
           again(unstar, "restar-2-replay", later)},
          0,
          "SELECT starred::text || ' ' || starred_at FROM github.stars "
          "WHERE repository_id = 7111 AND user_id = 202",
          "true 2024-05-01 10:10:00+00"};
}

scenario review_approved_replayed_after_dismissed() {
  // A dismissal keeps submitted_at; its rank puts it after the submission.
  const auto review = [](const char* action, const char* state, const char* pull_request_updated_at) {
    auto document = book().take("pull_request_review", action);
    set(document, "review.id", std::int64_t{82001});
    set(document, "review.state", state);
    set(document, "review.submitted_at", "2024-05-01T11:00:00Z");
    set_user(document, "review.user", "erin", 203);
    set(document, "pull_request.id", std::int64_t{72001});
    set(document, "pull_request.number", std::int64_t{3});
    set(document, "pull_request.updated_at", pull_request_updated_at);
    set_repository(document, 7102, pull_request_updated_at, "2024-04-01T00:00:00Z", 0);
    return document;
  };
  const auto approved = make("pull_request_review", review("submitted", "approved", "2024-05-01T11:00:00Z"),
                             "review-1", "2024-05-01T11:00:00.500Z");
  return {"review approved replayed after dismissed",
          {approved,
           make("pull_request_review", review("dismissed", "dismissed", "2024-05-01T11:30:00Z"),
                "review-2", "2024-05-01T11:30:00.500Z"),
           again(approved, "review-1-replay", later), again(approved, "review-1", even_later)},
          1,
          "SELECT state || ' ' || submitted_at FROM github.pull_request_reviews WHERE id = 82001",
          "dismissed 2024-05-01 11:00:00+00"};
}

scenario release_edit_replayed_after_a_newer_edit() {
  // release.updated_at orders releases.
  const auto release = [](const char* action, const char* name, const char* updated_at) {
    auto document = book().take("release", action);
    set(document, "release.id", std::int64_t{83001});
    set(document, "release.tag_name", "v1.0");
    set(document, "release.name", name);
    set(document, "release.created_at", "2024-05-01T09:00:00Z");
    set(document, "release.published_at", "2024-05-01T09:10:00Z");
    set(document, "release.updated_at", updated_at);
    set_repository(document, 7103, "2024-05-01T09:00:00Z", "2024-05-01T09:00:00Z", 0);
    return document;
  };
  const auto published = make("release", release("published", "Beta", "2024-05-01T09:10:00Z"),
                              "release-1", "2024-05-01T09:10:00.500Z");
  const auto first_edit = make("release", release("edited", "One", "2024-05-01T12:00:00Z"),
                               "release-2", "2024-05-01T12:00:00.500Z");
  return {"release edit replayed after a newer edit",
          {published, first_edit,
           make("release", release("edited", "One point oh", "2024-05-01T12:30:00Z"), "release-3",
                "2024-05-01T12:30:00.500Z"),
           again(first_edit, "release-2-replay", later), again(published, "release-1-replay", later),
           again(first_edit, "release-2", even_later)},
          1,
          "SELECT name FROM github.releases WHERE id = 83001",
          "One point oh"};
}

scenario release_draft_replayed_after_publication() {
  // Without release.updated_at (GitHub's 2019 examples): the later of created_at and published_at.
  auto draft = book().take("release", "created");
  set(draft, "release.id", std::int64_t{83002});
  set(draft, "release.name", "Draft");
  set(draft, "release.draft", true);
  set(draft, "release.created_at", "2024-05-01T09:00:00Z");
  set_null(draft, "release.published_at");
  set_repository(draft, 7104, "2024-05-01T09:00:00Z", "2024-05-01T09:00:00Z", 0);
  auto published = book().take("release", "published");
  set(published, "release.id", std::int64_t{83002});
  set(published, "release.name", "Final");
  set(published, "release.draft", false);
  set(published, "release.created_at", "2024-05-01T09:00:00Z");
  set(published, "release.published_at", "2024-05-01T10:00:00Z");
  set_repository(published, 7104, "2024-05-01T09:00:00Z", "2024-05-01T09:00:00Z", 0);
  const auto created = make("release", draft, "draft-1", "2024-05-01T09:00:00.500Z");
  return {"release draft replayed after its publication",
          {created, make("release", published, "draft-2", "2024-05-01T10:00:00.500Z"),
           again(created, "draft-1-replay", later)},
          0,
          "SELECT name || ' ' || draft FROM github.releases WHERE id = 83002",
          "Final false"};
}

scenario team_old_name_replayed_after_the_rename() {
  // Webhook team objects carry no time (their received-at orders them); REST's team objects, which
  // the reconciler publishes, carry updated_at: the old state it replays ranks at that time.
  const auto team = [](const char* action, const char* name) {
    auto document = book().take("team", action);
    set(document, "team.id", std::int64_t{84001});
    set(document, "team.name", name);
    return document;
  };
  auto old_state = team("created", "Justice League");
  set(old_state, "team.updated_at", "2024-05-01T08:00:00Z");
  const auto created = make("team", old_state, "team-1", "2024-05-01T08:00:00.500Z", "reconciler");
  return {"team's old name replayed after the rename",
          {created, make("team", team("edited", "Avengers"), "team-2", "2024-05-01T09:00:00.500Z"),
           again(created, "team-1-replay", later), again(created, "team-1", even_later)},
          1,
          "SELECT name FROM github.teams WHERE id = 84001",
          "Avengers"};
}

scenario ref_create_replayed_after_delete() {
  // Creating and deleting a ref are pushes: the repository's pushed_at orders them.
  const auto ref = [](const char* event, const char* pushed_at) {
    auto document = book().take(event, "");
    set(document, "ref", "v1.0");
    set(document, "ref_type", "tag");
    set_repository(document, 7105, "2024-05-01T12:00:00Z", pushed_at, 0);
    return document;
  };
  const auto created = make("create", ref("create", "2024-05-01T13:00:00Z"), "ref-1", "2024-05-01T13:00:00.500Z");
  return {"ref create replayed after its delete",
          {created, make("delete", ref("delete", "2024-05-01T13:05:00Z"), "ref-2", "2024-05-01T13:05:00.500Z"),
           again(created, "ref-1-replay", later), again(created, "ref-1", even_later)},
          1,
          "SELECT present::text FROM github.refs WHERE repository_id = 7105 AND ref = 'v1.0'",
          "false"};
}

scenario member_add_replayed_after_removal() {
  // The repository snapshot's times did not move between the addition and the removal: the
  // removal's rank decides.
  const auto member = [](const char* action) {
    auto document = book().take("member", "added");
    set(document, "action", action);
    set_user(document, "member", "frank", 206);
    set_repository(document, 7106, "2024-05-01T14:00:00Z", "2024-05-01T13:00:00Z", 0);
    return document;
  };
  const auto added = make("member", member("added"), "member-1", "2024-05-01T14:00:00.500Z");
  return {"member add replayed after the removal",
          {added, make("member", member("removed"), "member-2", "2024-05-01T14:10:00.500Z"),
           again(added, "member-1-replay", later), again(added, "member-1", even_later)},
          1,
          "SELECT active::text FROM github.repository_collaborators "
          "WHERE repository_id = 7106 AND user_id = 206",
          "false"};
}

scenario installation_repository_add_replayed_after_removal() {
  // The installation's updated_at (epoch seconds, as in GitHub's example) is the same in both.
  const auto change = [](const char* action) {
    auto document = book().take("installation_repositories", action);
    set(document, "installation.id", std::int64_t{85001});
    set(document, "installation.updated_at", std::int64_t{1714557600});  // 2024-05-01T10:00:00Z
    Value repository(rapidjson::kObjectType);
    repository.AddMember("id", 7107, document.GetAllocator());
    repository.AddMember("full_name", "acme/r7107", document.GetAllocator());
    Value list(rapidjson::kArrayType);
    list.PushBack(repository, document.GetAllocator());
    const bool added = std::string(action) == "added";
    at(document, "repositories_added").SetArray();
    at(document, "repositories_removed").SetArray();
    at(document, added ? "repositories_added" : "repositories_removed") = list;
    return document;
  };
  const auto added = make("installation_repositories", change("added"), "install-1",
                          "2024-05-01T10:00:00.500Z");
  return {"installation repository add replayed after its removal",
          {added,
           make("installation_repositories", change("removed"), "install-2", "2024-05-01T10:20:00.500Z"),
           again(added, "install-1-replay", later), again(added, "install-1", even_later)},
          1,
          "SELECT active::text FROM github.installation_repositories "
          "WHERE installation_id = 85001 AND repository_id = 7107",
          "false"};
}

std::vector<scenario> replay_scenarios() {
  return {star_created_replayed_after_deleted(),
          star_deleted_replayed_after_starring_again(),
          review_approved_replayed_after_dismissed(),
          release_edit_replayed_after_a_newer_edit(),
          release_draft_replayed_after_publication(),
          team_old_name_replayed_after_the_rename(),
          ref_create_replayed_after_delete(),
          member_add_replayed_after_removal(),
          installation_repository_add_replayed_after_removal()};
}

std::string text_of(const std::string& url, const std::string& query) {
  pqxx::connection connection(url);
  pqxx::work work(connection);
  work.exec("SET TIME ZONE 'UTC'");
  const auto rows = work.exec(query);
  if (rows.size() != 1) return "<" + std::to_string(rows.size()) + " rows>";
  return rows[0][0].is_null() ? "<null>" : rows[0][0].as<std::string>();
}

TEST(replay, an_old_event_replayed_after_a_newer_one_leaves_the_newer_state) {
  applier_on_fresh_database database("workers_replay");
  std::int64_t offset = 0;
  for (const auto& story : replay_scenarios()) {
    SCOPED_TRACE(story.name);
    std::size_t duplicates = 0;
    for (const auto& item : story.deliveries) {
      const auto outcome = database.apply({to_message(item, "t", 0, offset++)});
      EXPECT_EQ(outcome.dead_letters_total(), 0u) << item.delivery_id;
      duplicates += outcome.duplicates;
    }
    EXPECT_EQ(duplicates, story.duplicates);
    EXPECT_EQ(text_of(database.url, story.query), story.expected);
  }
}

TEST(replay, the_same_deliveries_in_any_order_and_batching_end_in_the_same_state) {
  const auto stories = replay_scenarios();
  std::vector<delivery> all;
  for (const auto& story : stories) all.insert(all.end(), story.deliveries.begin(), story.deliveries.end());
  for (const unsigned seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 random(seed);
    auto shuffled = all;
    std::shuffle(shuffled.begin(), shuffled.end(), random);
    applier_on_fresh_database database("workers_replay_shuffled");
    const auto messages = to_messages(shuffled);
    for (std::size_t position = 0; position < messages.size();) {
      const auto end = std::min(messages.size(), position + 1 + random() % 5);
      database.apply({messages.begin() + static_cast<std::ptrdiff_t>(position),
                      messages.begin() + static_cast<std::ptrdiff_t>(end)});
      position = end;
    }
    for (const auto& story : stories) EXPECT_EQ(text_of(database.url, story.query), story.expected) << story.name;
  }
}

TEST(replay, a_received_at_in_the_future_does_not_pin_a_row) {
  // Team membership has no time of GitHub's: received-at orders it, so a received-at from the
  // future would have kept the member for ever. The worker brings it back to its own clock.
  applier_on_fresh_database database("workers_replay_future_received");
  const auto membership = [](const char* action) {
    auto document = book().take("membership", action);
    set(document, "team.id", std::int64_t{86001});
    set_user(document, "member", "gina", 207);
    return document;
  };
  database.apply({to_message(make("membership", membership("added"), "future-1",
                                  "2100-01-01T00:00:00.000Z"), "t", 0, 0)});
  EXPECT_EQ(database.count("SELECT count(*) FROM github.team_members WHERE team_id = 86001 "
                           "AND active AND seen_at <= now() AND version_at <= now()"),
            1);
  const auto now = core::format_rfc3339_ms(std::chrono::system_clock::now());
  database.apply({to_message(make("membership", membership("removed"), "future-2", now), "t", 0, 1)});
  EXPECT_EQ(text_of(database.url, "SELECT active::text FROM github.team_members WHERE team_id = 86001"),
            "false");
}

TEST(replay, a_github_time_in_the_future_does_not_pin_a_row) {
  // A payload time is capped at received-at + 5 minutes when it orders a row. (2200: in the future
  // yet within what the worker's clock can hold; a year past 2261 is a dead letter, see
  // payload_node_test.)
  applier_on_fresh_database database("workers_replay_future_time");
  auto far = book().take("star", "created");
  set_user(far, "sender", "hal", 208);
  set(far, "starred_at", "2024-05-01T10:00:00Z");
  set_repository(far, 7108, "2200-12-31T23:59:59Z", "2024-04-01T00:00:00Z", 9);
  database.apply({to_message(make("star", far, "far-1", "2024-05-01T10:00:00.500Z"), "t", 0, 0)});
  EXPECT_EQ(text_of(database.url, "SELECT version_at || ' ' || updated_at FROM github.repositories WHERE id = 7108"),
            "2024-05-01 10:05:00.5+00 2200-12-31 23:59:59+00");
  auto next = book().take("star", "created");
  set_user(next, "sender", "ivan", 209);
  set(next, "starred_at", "2024-05-01T11:00:00Z");
  set_repository(next, 7108, "2024-05-01T11:00:00Z", "2024-04-01T00:00:00Z", 10);
  database.apply({to_message(make("star", next, "far-2", "2024-05-01T11:00:00.500Z"), "t", 0, 1)});
  EXPECT_EQ(text_of(database.url, "SELECT stargazers_count || ' ' || updated_at FROM github.repositories WHERE id = 7108"),
            "10 2024-05-01 11:00:00+00");

  // The same for a team whose updated_at lies in the future: a webhook rename an hour later wins.
  auto team = book().take("team", "created");
  set(team, "team.id", std::int64_t{84002});
  set(team, "team.updated_at", "2200-12-31T23:59:59Z");
  database.apply({to_message(make("team", team, "far-3", "2024-05-01T10:00:00.500Z", "reconciler"), "t", 0, 2)});
  auto renamed = book().take("team", "edited");
  set(renamed, "team.id", std::int64_t{84002});
  set(renamed, "team.name", "Renamed");
  database.apply({to_message(make("team", renamed, "far-4", "2024-05-01T11:00:00.500Z"), "t", 0, 3)});
  EXPECT_EQ(text_of(database.url, "SELECT name FROM github.teams WHERE id = 84002"), "Renamed");
}

TEST(replay, a_repository_snapshot_without_stargazers_count_keeps_the_known_count) {
  applier_on_fresh_database database("workers_replay_partial_repository");
  // Three snapshots of one repository: with 5 stars and 2 forks; an hour later without either
  // (absent); another hour later with both null. In order, in reverse, and in one batch.
  const auto snapshots = [](std::int64_t repository_id) {
    std::vector<delivery> items;
    const char* times[] = {"2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z"};
    for (int i = 0; i < 3; ++i) {
      auto document = book().take("create", "");
      set(document, "ref", "b" + std::to_string(i));
      set_repository(document, repository_id, times[i], times[i], 5);
      set(document, "repository.forks_count", std::int64_t{2});
      if (i == 1) {
        erase(document, "repository.stargazers_count");
        erase(document, "repository.forks_count");
      } else if (i == 2) {
        set_null(document, "repository.stargazers_count");
        set_null(document, "repository.forks_count");
      }
      items.push_back(make("create", document, "partial-" + std::to_string(repository_id) + "-" + std::to_string(i),
                           std::string(times[i]).substr(0, 19) + ".500Z"));
    }
    return items;
  };
  std::int64_t offset = 0;
  for (const auto& item : snapshots(7121)) database.apply({to_message(item, "t", 0, offset++)});
  auto reversed = snapshots(7122);
  std::reverse(reversed.begin(), reversed.end());
  for (const auto& item : reversed) database.apply({to_message(item, "t", 0, offset++)});
  std::vector<workers::incoming_message> batch;
  for (const auto& item : snapshots(7123)) batch.push_back(to_message(item, "t", 0, offset++));
  database.apply(batch);
  for (const std::int64_t id : {7121, 7122, 7123}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(text_of(database.url, "SELECT stargazers_count || ' ' || updated_at "
                                    "FROM github.repositories WHERE id = " + std::to_string(id)),
              "5 2024-05-01 12:00:00+00");
    // The view shows the count and when the snapshot that reported it was received.
    EXPECT_EQ(text_of(database.url, "SELECT stars || ' ' || stars_known_at FROM analytics.repository_stars "
                                    "WHERE repo = 'acme/r" + std::to_string(id) + "'"),
              "5 2024-05-01 10:00:00.5+00");
  }
  // The other optional fields keep the stored value when the newer snapshot lacks them (one by
  // one in order, or in one batch); an older snapshot arriving after a newer one changes nothing.
  for (const std::int64_t id : {7121, 7123})
    EXPECT_EQ(text_of(database.url, "SELECT forks_count::text FROM github.repositories WHERE id = " +
                                        std::to_string(id)),
              "2");
  // A newer snapshot that reports a count replaces it.
  auto newer = book().take("create", "");
  set_repository(newer, 7121, "2024-05-01T13:00:00Z", "2024-05-01T13:00:00Z", 6);
  database.apply({to_message(make("create", newer, "partial-7121-3", "2024-05-01T13:00:00.500Z"), "t", 0, offset++)});
  EXPECT_EQ(text_of(database.url, "SELECT stargazers_count::text FROM github.repositories WHERE id = 7121"), "6");
}

}  // namespace
}  // namespace tributary::testing
