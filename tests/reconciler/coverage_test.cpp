// admin.webhook_coverage (migration 009): deliveries from webhooks for some entities and
// reconciler events for others, folded by the worker's batch_applier into a real PostgreSQL, and
// the reconciler's run rows with their gaps by repository (finish_run); the view's numbers checked.
#include "reconciler/bookkeeping.hpp"
#include "tests/harness/payload_edit.hpp"
#include "tests/harness/services.hpp"
#include "tests/workers/applier_fixture.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <fstream>
#include <sstream>

namespace tributary::testing {
namespace {

struct repository_spec {
  std::int64_t id;
  const char* name;
};
constexpr repository_spec web{7001, "web"};
constexpr repository_spec quiet{7002, "quiet"};

class coverage_deliveries {
 public:
  /// An `issues` delivery of issue `issue_id` in `repository` at `time` (GitHub's updated_at of
  /// the issue and the repository; received half a second later).
  delivery issue(const repository_spec& repository, std::int64_t issue_id, const std::string& time,
                 const std::string& source) {
    auto document = book_.take("issues", 15, "opened");
    set(document, "action", source == "webhook" ? "opened" : "edited");
    set(document, "issue.id", issue_id);
    set(document, "issue.number", static_cast<std::int64_t>(issue_id % 1000));
    set(document, "issue.created_at", "2024-04-01T00:00:00Z");
    set(document, "issue.updated_at", time);
    return finish("issues", document, repository, time, source);
  }

  /// A `star created` delivery by user `user_id`.
  delivery star(const repository_spec& repository, std::int64_t user_id, const std::string& time) {
    auto document = book_.take("star", 0, "created");
    set(document, "starred_at", time);
    set(document, "sender.id", user_id);
    set(document, "sender.login", "stargazer-" + std::to_string(user_id));
    return finish("star", document, repository, time, "webhook");
  }

 private:
  delivery finish(const std::string& event, rapidjson::Document& document,
                  const repository_spec& repository, const std::string& time, const std::string& source) {
    set(document, "repository.id", repository.id);
    set(document, "repository.name", repository.name);
    set(document, "repository.full_name", std::string("acme/") + repository.name);
    set(document, "repository.owner.login", "acme");
    set(document, "repository.updated_at", time);
    if (document.HasMember("organization")) document.RemoveMember("organization");
    if (document.HasMember("installation")) document.RemoveMember("installation");
    delivery item;
    item.event = event;
    item.delivery_id = (source == "reconciler" ? "reconciler:test:" : "5a1d0000-0000-4000-8000-") +
                       std::to_string(100000000000 + ++count_);
    item.received_at = time.substr(0, 19) + ".500Z";
    item.source = source;
    item.payload = json_of(document);
    return item;
  }

  example_book book_;
  int count_ = 0;
};

TEST(webhook_coverage, counts_what_webhooks_brought_what_only_the_reconciler_did_and_the_last_run_gaps) {
  applier_on_fresh_database database("coverage");
  coverage_deliveries make;
  // One delivery per batch, in this order: "first" is per worker batch (a batch inserts a row
  // with the newest snapshot it holds).
  const std::vector<delivery> history{
      make.issue(web, 80001, "2024-05-01T10:00:00Z", "webhook"),     // web itself, issue 1: webhook
      make.star(web, 301, "2024-05-01T11:00:00Z"),                    // a star: webhook
      make.issue(web, 80002, "2024-05-01T12:00:00Z", "reconciler"),  // issue 2: only the reconciler
      make.issue(web, 80003, "2024-05-01T12:10:00Z", "reconciler"),  // issue 3: the reconciler first,
      make.issue(web, 80003, "2024-05-01T13:00:00Z", "webhook"),     //   then a webhook's newer version
      make.issue(quiet, 80004, "2024-05-01T12:20:00Z", "reconciler"),  // quiet and issue 4: reconciler
  };
  for (const auto& item : history) {
    const auto outcome = database.apply({to_message(item)});
    ASSERT_EQ(outcome.dead_letters_total(), 0u) << item.delivery_id;
  }
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries WHERE repository = 'acme/web'"), 5);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries WHERE repository = 'acme/quiet'"), 1);

  // Two runs of target acme: the older found 5 pull requests of web missing; the last found only
  // quiet's gaps. A later run another reconciler held counts for nothing.
  pqxx::connection connection(database.url);
  const auto run = [&](const std::string& outcome,
                       std::vector<std::tuple<std::string, std::string, std::int64_t>> gaps) {
    reconciler::run_record record;
    record.run_id = "test";
    record.target = "acme";
    const auto row = reconciler::start_run(connection, record);
    record.outcome = outcome;
    for (const auto& [repository, resource, count] : gaps) reconciler::record_gap(record, repository, resource, count);
    reconciler::finish_run(connection, row, record);
  };
  run("complete", {{"acme/web", "pulls", 5}});
  run("complete", {{"acme/quiet", "issues", 1}, {"acme/quiet", "repository", 1}});
  run("skipped_locked", {});
  EXPECT_EQ(database.count("SELECT count(*) FROM github.reconcile_repository_gaps"), 3);

  pqxx::nontransaction work(connection);
  work.exec("SET ROLE tributary_analyst");  // analysts read it
  const auto rows = work.exec(
      "SELECT repository, to_char(last_webhook_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'), entities, "
      "entities_first_by_webhook, entities_only_by_reconciler, last_run_outcome, last_run_gaps, "
      "last_run_gaps_by_resource::text, last_run_at IS NOT NULL FROM admin.webhook_coverage ORDER BY repository");
  ASSERT_EQ(rows.size(), 2u);
  // quiet: no webhook ever; itself and its issue came only through the reconciler; 2 gaps.
  EXPECT_EQ(rows[0][0].as<std::string>(), "acme/quiet");
  EXPECT_TRUE(rows[0][1].is_null());
  EXPECT_EQ(rows[0][2].as<long long>(), 2);
  EXPECT_EQ(rows[0][3].as<long long>(), 0);
  EXPECT_EQ(rows[0][4].as<long long>(), 2);
  EXPECT_EQ(rows[0][5].as<std::string>(), "complete");
  EXPECT_EQ(rows[0][6].as<long long>(), 2);
  EXPECT_EQ(rows[0][7].as<std::string>(), R"({"issues": 1, "repository": 1})");
  // web: the last webhook at 13:00:00.5; itself, issue 1 and the star first by webhook, issue 2
  // only by the reconciler, issue 3 neither; its last run found nothing missing.
  EXPECT_EQ(rows[1][0].as<std::string>(), "acme/web");
  EXPECT_EQ(rows[1][1].as<std::string>(), "2024-05-01 13:00:00.500");
  EXPECT_EQ(rows[1][2].as<long long>(), 5);
  EXPECT_EQ(rows[1][3].as<long long>(), 3);
  EXPECT_EQ(rows[1][4].as<long long>(), 1);
  EXPECT_EQ(rows[1][6].as<long long>(), 0);
  EXPECT_EQ(rows[1][7].as<std::string>(), "{}");
  EXPECT_TRUE(rows[1][8].as<bool>());

  // schemas/README.md's example runs as the analyst: quiet first (2 gaps), then web (its webhooks
  // date from 2024).
  std::ifstream file(required_environment("TRIBUTARY_SOURCE_DIR") + "/schemas/README.md");
  std::stringstream text;
  text << file.rdbuf();
  const auto readme = text.str();
  const auto use = readme.find("FROM admin.webhook_coverage");
  ASSERT_NE(use, std::string::npos);
  const auto start = readme.rfind("```sql\n", use) + 7;
  const auto example = work.exec(readme.substr(start, readme.find("```", use) - start));
  ASSERT_EQ(example.size(), 2u);
  EXPECT_EQ(example[0][0].as<std::string>(), "acme/quiet");
  EXPECT_EQ(example[1][0].as<std::string>(), "acme/web");
}

}  // namespace
}  // namespace tributary::testing
