// People (migration 010): one person per GitHub account id, commit e-mails linked by the evidence
// the deliveries carry or by an admin's hand (tributary-people), a renamed user's history under the
// new login, bots and organisations marked and never ranked. Deliveries built from GitHub's
// examples; a real PostgreSQL, and the devbroker with tributary-worker for the whole history.
#include "core/log.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/payload_edit.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/harness/broker_control.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/applier_fixture.hpp"
#include "tests/workers/worker_stream.hpp"
#include "workers/refold.hpp"
#include "workers/refold_tables.hpp"

#include <pqxx/pqxx>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
using rapidjson::Document;
using rapidjson::Value;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct account {
  const char* login;
  std::int64_t id;
  const char* type = "User";
};
const account dana{"dana", 201};
const account erin_before{"erin-old", 202};  // renamed to erin between the two halves
const account erin{"erin", 202};
const account dependabot{"dependabot[bot]", 49699333, "Bot"};
const account acme{"acme", 5001, "Organization"};

struct commit_spec {
  const char* sha;
  const char* timestamp;
  const char* username;  // nullptr: GitHub matched no account to the e-mail
  const char* email;
};

/// The history of acme/gadgets (id 9101, owned by organisation acme, 4 stars), in delivery order.
class people_history {
 public:
  people_history() {
    const auto template_document = book_.take("pull_request", 0, "opened");
    repository_.CopyFrom(template_document["repository"], repository_.GetAllocator());
    set(repository_, "id", std::int64_t{9101});
    set(repository_, "name", "gadgets");
    set(repository_, "full_name", "acme/gadgets");
    set(repository_, "stargazers_count", 4);
    set_value(repository_, "owner", user(repository_, acme));
  }

  /// Before the linking push: a work e-mail without evidence, an e-mail that never gets any,
  /// erin's commits and pull request under her former login and a noreply address, a bot's pull
  /// request and commit.
  std::vector<delivery> before_the_linking_push() {
    push(dana, "2024-04-01T12:00:00Z",
         {{"d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1", "2024-04-01T09:00:00Z", nullptr, "Dana@Work.example"},
          {"d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2", "2024-04-01T10:00:00Z", nullptr, "solo@example.com"},
          {"d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3", "2024-04-01T11:00:00Z", "erin-old", "erin@example.com"},
          {"d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4", "2024-04-01T11:30:00Z", nullptr,
           "202+erin-old@users.noreply.github.com"}});
    pull_request(71001, 1, erin_before, "2024-04-01T13:00:00Z");
    pull_request(71002, 2, dependabot, "2024-04-02T07:00:00Z");
    push(dependabot, "2024-04-02T08:10:00Z",
         {{"b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1", "2024-04-02T08:00:00Z", "dependabot[bot]",
           "49699333+dependabot[bot]@users.noreply.github.com"},
          // A bot known only by the login of a commit: marked all the same.
          {"b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", "2024-04-02T08:05:00Z", "renovate[bot]",
           "bot@renovateapp.com"}});
    // After the rename: the same account, its new login.
    pull_request(71003, 3, erin, "2024-04-03T09:00:00Z");
    return std::move(deliveries_);
  }

  /// A shared address that commits pair with two people, and a commit by it alone.
  std::vector<delivery> a_shared_address() {
    push(dana, "2024-04-04T10:10:00Z",
         {{"e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1", "2024-04-04T10:00:00Z", "dana", "team@example.com"},
          {"e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2", "2024-04-04T10:01:00Z", "erin", "team@example.com"},
          {"e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3", "2024-04-04T10:02:00Z", nullptr, "team@example.com"}});
    return std::move(deliveries_);
  }

  /// dana's push whose commit pairs her work e-mail with her login.
  std::vector<delivery> the_linking_push() {
    push(dana, "2024-04-03T10:10:00Z",
         {{"d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5", "2024-04-03T10:00:00Z", "dana", "dana@work.example"}});
    return std::move(deliveries_);
  }

 private:
  Value user(Document& document, const account& who) {
    const auto example = book_.take("pull_request", 0, "opened");
    Value object;
    object.CopyFrom(example["sender"], document.GetAllocator());
    object["login"].SetString(who.login, document.GetAllocator());
    object["id"].SetInt64(who.id);
    object["type"].SetString(who.type, document.GetAllocator());
    return object;
  }

  void add(const std::string& event, Document& document, const account& sender, const std::string& time) {
    set_value(document, "sender", user(document, sender));
    Document snapshot;
    snapshot.CopyFrom(repository_, snapshot.GetAllocator());
    set(snapshot, "updated_at", time);
    set_value(document, "repository", snapshot);
    erase(document, "organization");
    erase(document, "installation");
    delivery item;
    item.event = event;
    item.delivery_id = "00000000-0000-4000-8000-" + std::to_string(200000000000 + ++count_);
    item.received_at = time.substr(0, 19) + ".500Z";
    item.payload = json_of(document);
    deliveries_.push_back(std::move(item));
  }

  void push(const account& sender, const std::string& time, const std::vector<commit_spec>& commits) {
    auto document = book_.take("push", 4, "");
    const Value commit_template(document["commits"][0], document.GetAllocator());
    auto& list = at(document, "commits");
    list.SetArray();
    for (const auto& spec : commits) {
      Value commit(commit_template, document.GetAllocator());
      commit["id"].SetString(spec.sha, document.GetAllocator());
      commit["timestamp"].SetString(spec.timestamp, document.GetAllocator());
      auto& author = commit["author"];
      author["email"].SetString(spec.email, document.GetAllocator());
      author["name"].SetString("Someone", document.GetAllocator());
      if (spec.username) author["username"].SetString(spec.username, document.GetAllocator());
      else author.RemoveMember("username");
      list.PushBack(commit, document.GetAllocator());
    }
    set_value(document, "head_commit", list[list.Size() - 1]);
    add("push", document, sender, time);
  }

  void pull_request(std::int64_t id, int number, const account& author, const std::string& time) {
    auto document = book_.take("pull_request", 0, "opened");
    set(document, "number", number);
    set(document, "pull_request.id", id);
    set(document, "pull_request.number", number);
    set_value(document, "pull_request.user", user(document, author));
    set(document, "pull_request.created_at", time);
    set(document, "pull_request.updated_at", time);
    add("pull_request", document, author, time);
  }

  example_book book_;
  Document repository_;
  std::vector<delivery> deliveries_;
  int count_ = 0;
};

std::vector<delivery> whole_history() {
  people_history history;
  auto items = history.before_the_linking_push();
  for (auto& item : history.the_linking_push()) items.push_back(std::move(item));
  return items;
}

const char* summary_query =
    "SELECT login, commits, prs_opened, stars_received, user_id, account_type, is_bot "
    "FROM analytics.developer_summary ORDER BY login COLLATE \"C\"";
const char* leaderboard_query =
    "SELECT rank, login, score, user_id, account_type, is_bot FROM analytics.leaderboard "
    "ORDER BY rank, login COLLATE \"C\"";
const char* daily_commits_query =
    "SELECT day, login, commits, user_id FROM analytics.developer_activity_daily WHERE commits > 0 "
    "ORDER BY day, login COLLATE \"C\"";

/// The whole history's people, as every route to the database must give them.
const std::vector<std::string> expected_summary{
    "acme|0|0|4|5001|Organization|f",
    "dana|2|0|0|201|User|f",
    "dependabot[bot]|1|1|0|49699333|Bot|t",
    "erin|2|2|0|202|User|f",
    "renovate[bot]|1|0|0|-|-|t",
    "solo@example.com|1|0|0|-|-|f",
};
const std::vector<std::string> expected_leaderboard{
    "1|erin|4|202|User|f",
    "2|dana|2|201|User|f",
    "3|solo@example.com|1|-|-|f",
};

TEST(people, an_email_a_later_push_links_counts_for_that_login_in_every_view_at_once) {
  applier_on_fresh_database database("people_evidence");
  people_history history;
  database.apply(to_messages(history.before_the_linking_push()));
  // Nothing pairs the work e-mail with an account yet: it stands on its own (lower case).
  EXPECT_THAT(rows_of(database.url, daily_commits_query),
              ElementsAre("2024-04-01|dana@work.example|1|-", "2024-04-01|erin|2|202",
                          "2024-04-01|solo@example.com|1|-", "2024-04-02|dependabot[bot]|1|49699333",
                          "2024-04-02|renovate[bot]|1|-"));
  EXPECT_EQ(database.count("SELECT count(*) FROM analytics.leaderboard WHERE login = 'dana@work.example'"), 1);

  auto linking = to_messages(history.the_linking_push());
  for (auto& message : linking) message.offset += 100;
  database.apply(linking);
  // One push pairing the e-mail with dana: her earlier commit is hers in every view at once.
  EXPECT_THAT(rows_of(database.url, daily_commits_query),
              ElementsAre("2024-04-01|dana|1|201", "2024-04-01|erin|2|202",
                          "2024-04-01|solo@example.com|1|-", "2024-04-02|dependabot[bot]|1|49699333",
                          "2024-04-02|renovate[bot]|1|-", "2024-04-03|dana|1|201"));
  EXPECT_EQ(rows_of(database.url, summary_query), expected_summary);
  EXPECT_EQ(rows_of(database.url, leaderboard_query), expected_leaderboard);
  EXPECT_THAT(rows_of(database.url,
                      "SELECT kind, identity, login, rule FROM analytics.person_identities "
                      "WHERE identity IN ('dana@work.example', 'solo@example.com') ORDER BY identity"),
              ElementsAre("email|dana@work.example|dana|commit evidence",
                          "email|solo@example.com|solo@example.com|no evidence"));

  // The link is derived from deliveries alone: every entity row deleted and the history refolded
  // from the raw store, dana keeps her work e-mail's commit in every view.
  {
    pqxx::connection connection(database.url);
    pqxx::work work(connection);
    std::string truncate = "TRUNCATE ";
    for (const auto table : workers::derived_tables())
      truncate += "github." + std::string(table) + ", ";
    work.exec(truncate.substr(0, truncate.size() - 2));
    work.commit();
  }
  ASSERT_EQ(database.count("SELECT count(*) FROM analytics.developer_summary"), 0);
  std::atomic<bool> stopping{false};
  workers::refold(database.url, {500, std::chrono::seconds(10), {}}, stopping,
                  core::logger("people-refold"));
  EXPECT_THAT(rows_of(database.url, daily_commits_query),
              ElementsAre("2024-04-01|dana|1|201", "2024-04-01|erin|2|202",
                          "2024-04-01|solo@example.com|1|-", "2024-04-02|dependabot[bot]|1|49699333",
                          "2024-04-02|renovate[bot]|1|-", "2024-04-03|dana|1|201"));
  EXPECT_EQ(rows_of(database.url, summary_query), expected_summary);
  EXPECT_EQ(rows_of(database.url, leaderboard_query), expected_leaderboard);
}

TEST(people, a_renamed_users_activity_before_and_after_the_rename_is_under_the_new_login) {
  applier_on_fresh_database database("people_rename");
  database.apply(to_messages(whole_history()));
  // A pull request opened as erin-old, one as erin, a commit by the username erin-old and one by
  // the noreply address of account 202: all erin's.
  EXPECT_THAT(rows_of(database.url, "SELECT number, author FROM analytics.pull_request_cycle ORDER BY number"),
              ElementsAre("1|erin", "2|dependabot[bot]", "3|erin"));
  EXPECT_THAT(rows_of(database.url,
                      "SELECT day, login, commits, prs_opened FROM analytics.developer_activity_daily "
                      "WHERE user_id = 202 ORDER BY day"),
              ElementsAre("2024-04-01|erin|2|1", "2024-04-03|erin|0|1"));
  for (const char* view : {"developer_activity_daily", "developer_summary", "leaderboard"})
    EXPECT_EQ(database.count(std::string("SELECT count(*) FROM analytics.") + view +
                             " WHERE login = 'erin-old'"), 0) << view;
  EXPECT_THAT(rows_of(database.url,
                      "SELECT kind, identity, user_id, login, rule FROM analytics.person_identities "
                      "WHERE user_id = 202 ORDER BY kind, identity"),
              ElementsAre("email|202+erin-old@users.noreply.github.com|202|erin|noreply address",
                          "email|erin@example.com|202|erin|commit evidence",
                          "login|erin|202|erin|login history",
                          "login|erin-old|202|erin|login history"));
  EXPECT_EQ(database.count("SELECT count(*) FROM github.user_logins WHERE user_id = 202"), 2);
}

TEST(people, bots_are_marked_and_neither_bots_nor_organisations_are_ranked) {
  applier_on_fresh_database database("people_bots");
  database.apply(to_messages(whole_history()));
  EXPECT_EQ(rows_of(database.url, summary_query), expected_summary);
  EXPECT_EQ(rows_of(database.url, leaderboard_query), expected_leaderboard);
  EXPECT_THAT(rows_of(database.url,
                      "SELECT DISTINCT login, is_bot FROM analytics.developer_activity_daily "
                      "WHERE is_bot ORDER BY 1"),
              ElementsAre("dependabot[bot]|t", "renovate[bot]|t"));
}

TEST(people, an_email_the_evidence_pairs_with_two_people_stays_on_its_own) {
  applier_on_fresh_database database("people_ambiguous");
  people_history history;
  auto items = history.before_the_linking_push();
  for (auto& item : history.the_linking_push()) items.push_back(std::move(item));
  for (auto& item : history.a_shared_address()) items.push_back(std::move(item));
  database.apply(to_messages(items));
  EXPECT_THAT(rows_of(database.url,
                      "SELECT login, commits, user_id FROM analytics.developer_activity_daily "
                      "WHERE day = '2024-04-04' ORDER BY login COLLATE \"C\""),
              ElementsAre("dana|1|201", "erin|1|202", "team@example.com|1|-"));
  EXPECT_THAT(rows_of(database.url, "SELECT rule FROM analytics.person_identities "
                                    "WHERE identity = 'team@example.com'"),
              ElementsAre("ambiguous evidence"));
}

/// tributary-people as an admin runs it; returns its stdout, expecting `code`.
std::string people_command(const std::string& url, std::vector<std::string> arguments, int code = 0) {
  arguments.insert(arguments.begin(), required_environment("TRIBUTARY_BUILD_DIR") + "/tools/people/tributary-people");
  child_process command({arguments, {{"DATABASE_URL", url}}});
  const auto status = command.wait_for_exit(30s);
  EXPECT_TRUE(status && status->exited && status->code == code)
      << arguments[1] << ": " << command.stderr_text();
  return command.stdout_text();
}

long long commits_of(applier_on_fresh_database& database, const std::string& login) {
  return database.count("SELECT coalesce(sum(commits), 0) FROM analytics.developer_summary WHERE login = '" +
                        login + "'");
}

TEST(people, a_manual_link_and_unlink_change_the_numbers_at_once_and_leave_audit_rows) {
  applier_on_fresh_database database("people_manual");
  database.apply(to_messages(whole_history()));
  ASSERT_EQ(commits_of(database, "dana"), 2);
  ASSERT_EQ(commits_of(database, "solo@example.com"), 1);

  EXPECT_EQ(people_command(database.url, {"link", "--email", "Solo@Example.com", "--user", "DANA",
                                          "--by", "admin-ann", "--note", "her home address"}),
            "linked email 'solo@example.com' to dana (id 201)\n");
  EXPECT_EQ(commits_of(database, "dana"), 3);
  EXPECT_EQ(commits_of(database, "solo@example.com"), 0);
  EXPECT_EQ(database.count("SELECT count(*) FROM analytics.leaderboard WHERE login = 'solo@example.com'"), 0);

  // An unlink overrides the evidence too: the work e-mail's commit without a username leaves
  // dana (the one GitHub matched to her account, d5, stays hers).
  people_command(database.url, {"unlink", "--email", "dana@work.example", "--by", "admin-ann"});
  EXPECT_EQ(commits_of(database, "dana"), 2);
  EXPECT_EQ(commits_of(database, "dana@work.example"), 1);
  people_command(database.url, {"unlink", "--email", "solo@example.com", "--by", "admin-bob"});
  EXPECT_EQ(commits_of(database, "dana"), 1);
  EXPECT_EQ(commits_of(database, "solo@example.com"), 1);
  // reset: the evidence decides again.
  people_command(database.url, {"reset", "--email", "dana@work.example", "--by", "admin-bob"});
  EXPECT_EQ(commits_of(database, "dana"), 2);
  EXPECT_EQ(commits_of(database, "dana@work.example"), 0);

  // A login no payload paired with an account, linked by the account's id.
  people_command(database.url, {"link", "--login", "Renovate[bot]", "--user", "#49699333", "--by", "admin-bob"});
  EXPECT_EQ(commits_of(database, "dependabot[bot]"), 2);
  EXPECT_EQ(commits_of(database, "renovate[bot]"), 0);
  people_command(database.url, {"reset", "--login", "renovate[bot]", "--by", "admin-bob"});
  EXPECT_EQ(commits_of(database, "renovate[bot]"), 1);

  EXPECT_THAT(rows_of(database.url,
                      "SELECT by, action, kind, identity, coalesce(user_id::text, '-'), "
                      "coalesce(user_login, '-'), previous_decision, "
                      "coalesce(previous_user_id::text, '-'), coalesce(note, '-'), "
                      "at > now() - interval '5 minutes', db_role = session_user "
                      "FROM admin.person_link_audit ORDER BY id"),
              ElementsAre("admin-ann|link|email|solo@example.com|201|dana|f|-|her home address|t|t",
                          "admin-ann|unlink|email|dana@work.example|-|-|f|-|-|t|t",
                          "admin-bob|unlink|email|solo@example.com|-|-|t|201|-|t|t",
                          "admin-bob|reset|email|dana@work.example|-|-|t|-|-|t|t",
                          "admin-bob|link|login|renovate[bot]|49699333|dependabot[bot]|f|-|-|t|t",
                          "admin-bob|reset|login|renovate[bot]|-|-|t|49699333|-|t|t"));
  EXPECT_EQ(people_command(database.url, {"list"}).substr(0, 40),
            std::string("email\tsolo@example.com\t-\t(own)\tadmin-bob\t").substr(0, 40));

  // Refusals: one line, nothing written.
  people_command(database.url, {"link", "--email", "x@example.com", "--user", "nobody-known"}, 1);
  people_command(database.url, {"reset", "--email", "x@example.com"}, 1);
  people_command(database.url, {"link", "--login", "a@b", "--user", "dana"}, 2);
  EXPECT_EQ(database.count("SELECT count(*) FROM admin.person_link_audit"), 6);
}

TEST(people, the_worker_folds_the_same_people_from_the_devbroker) {
  const auto items = whole_history();
  applier_on_fresh_database in_process("people_in_process");
  in_process.apply(to_messages(items));

  const auto url = migrated_database("people_worker");
  const auto topic = fresh_topic("people", 3);
  publish(topic, items, -1);
  child_process worker(worker_options(url, topic, unique_name("people")));
  ASSERT_TRUE(wait_until([&] { return count_of(url, "SELECT count(*) FROM github.deliveries") ==
                                      static_cast<long long>(items.size()); },
                         60s));
  worker.send_signal(SIGTERM);
  EXPECT_TRUE(worker.wait_for_exit(30s).has_value());
  EXPECT_EQ(rows_of(url, summary_query), expected_summary);
  EXPECT_EQ(rows_of(url, leaderboard_query), expected_leaderboard);
  EXPECT_EQ(analytics_snapshot(url), analytics_snapshot(in_process.url));
  EXPECT_EQ(rows_of(url, "SELECT * FROM analytics.person_identities ORDER BY kind, identity"),
            rows_of(in_process.url, "SELECT * FROM analytics.person_identities ORDER BY kind, identity"));
}

}  // namespace
}  // namespace tributary::testing
