// The migrations of schemas/sql: they apply once, the views say what they compute, the analyst
// role reads and never writes, raw payloads are lz4-compressed text.
#include "core/envelope.hpp"
#include "core/migrations.hpp"
#include "schemas/embedded_migrations.hpp"
#include "tests/harness/services.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/applier_fixture.hpp"

#include <pqxx/pqxx>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <fstream>
#include <set>
#include <sstream>

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

TEST(schema, migrations_apply_once_and_the_worker_accepts_the_result) {
  const auto url = migrated_database("workers_schema");
  pqxx::connection connection(url);
  const auto again = core::apply_migrations(connection, schemas::all_migrations());
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.current_version, schemas::all_migrations().back().version);
  EXPECT_NO_THROW(core::require_current_schema(connection, schemas::all_migrations()));
}

TEST(schema, every_view_carries_its_definition_in_its_comment) {
  const auto url = migrated_database("workers_schema_comments");
  pqxx::connection connection(url);
  pqxx::work work(connection);
  const auto comment = [&](const char* view) {
    const auto row = work.exec_params1("SELECT obj_description($1::regclass, 'pg_class')", view);
    return row[0].is_null() ? std::string() : row[0].as<std::string>();
  };
  EXPECT_THAT(comment("analytics.developer_activity_daily"), HasSubstr("once for each assignee at closing"));
  EXPECT_THAT(comment("analytics.developer_summary"), HasSubstr("stars_received"));
  EXPECT_THAT(comment("analytics.pull_request_cycle"), HasSubstr("hours_to_first_review"));
  EXPECT_THAT(comment("analytics.repository_stars"), HasSubstr("stars_known_at"));
  EXPECT_THAT(comment("analytics.leaderboard"),
              HasSubstr("score = 3 * prs_merged + 2 * reviews_submitted + 2 * issues_closed"));
  EXPECT_THAT(comment("analytics.deployment_outcomes"), HasSubstr("rolled_back_by"));
  EXPECT_THAT(comment("analytics.deployment_restores"), HasSubstr("hours_to_restore"));
  EXPECT_THAT(comment("analytics.change_lead_times"), HasSubstr("with no forced push between"));
  EXPECT_THAT(comment("analytics.dora_deployment_frequency"), HasSubstr("first 'success' status"));
  EXPECT_THAT(comment("analytics.dora_lead_time"), HasSubstr("percentile_cont"));
  EXPECT_THAT(comment("analytics.dora_change_failure_rate"),
              HasSubstr("change_failure_rate = failed_changes / deployments"));
  EXPECT_THAT(comment("analytics.dora_time_to_restore"), HasSubstr("hours_to_restore_p50"));
  EXPECT_THAT(comment("analytics.pull_request_cycle_weekly"), HasSubstr("hours_to_merge_p90"));
}

/// The columns of every analytics view, in order, as CONTRACT.md lists them (the leaderboard:
/// login, score, rank "plus the summary columns").
const std::map<std::string, std::vector<std::string>>& contract_columns() {
  static const std::map<std::string, std::vector<std::string>> columns{
      {"developer_activity_daily",
       {"day", "login", "repo", "commits", "additions", "deletions", "prs_opened", "prs_merged",
        "reviews_submitted", "issues_opened", "issues_closed"}},
      {"developer_summary",
       {"login", "commits", "additions", "deletions", "prs_opened", "prs_merged",
        "reviews_submitted", "issues_opened", "issues_closed", "open_issues_assigned",
        "stars_received"}},
      {"pull_request_cycle",
       {"repo", "number", "author", "created_at", "first_review_at", "merged_at", "closed_at",
        "additions", "deletions", "changed_files", "hours_to_first_review", "hours_to_merge"}},
      {"repository_stars", {"repo", "owner", "stars", "stars_known_at"}},
      {"leaderboard",
       {"login", "score", "rank", "commits", "additions", "deletions", "prs_opened", "prs_merged",
        "reviews_submitted", "issues_opened", "issues_closed", "open_issues_assigned",
        "stars_received"}},
  };
  return columns;
}

/// Columns later migrations appended to the contract's views (documented in schemas/README.md),
/// and the views they added, with all their columns.
const std::map<std::string, std::vector<std::string>>& added_columns() {
  static const std::map<std::string, std::vector<std::string>> columns{
      {"developer_activity_daily", {"user_id", "is_bot"}},
      {"developer_summary", {"user_id", "account_type", "is_bot"}},
      {"leaderboard", {"user_id", "account_type", "is_bot"}},
      {"person_identities",
       {"kind", "identity", "user_id", "login", "account_type", "is_bot", "rule"}},
      // Migration 011: DORA and the weekly pull request cycle.
      {"deployment_outcomes",
       {"repo", "environment", "deployment_id", "sha", "ref", "created_at", "succeeded_at",
        "failed_at", "rollback", "rolled_back_by", "failed_change", "repository_id"}},
      {"deployment_restores",
       {"repo", "environment", "failed_deployment_id", "failed_at", "restored_by_deployment_id",
        "restored_at", "hours_to_restore", "repository_id"}},
      {"change_lead_times",
       {"repo", "environment", "number", "merged_at", "merge_commit_sha", "deployment_id",
        "deployed_sha", "deployed_at", "lead_time_hours", "repository_id"}},
      {"dora_deployment_frequency", {"repo", "environment", "week", "deployments"}},
      {"dora_lead_time",
       {"repo", "environment", "week", "changes", "lead_time_hours_p50", "lead_time_hours_p90"}},
      {"dora_change_failure_rate",
       {"repo", "environment", "week", "deployments", "failed_changes", "change_failure_rate"}},
      {"dora_time_to_restore",
       {"repo", "environment", "week", "restores", "hours_to_restore_p50", "hours_to_restore_p90"}},
      {"pull_request_cycle_weekly",
       {"repo", "week", "reviewed", "hours_to_first_review_p50", "hours_to_first_review_p90",
        "merged", "hours_to_merge_p50", "hours_to_merge_p90"}},
  };
  return columns;
}

TEST(schema, every_view_has_the_contracts_columns_in_order_then_the_documented_additions) {
  const auto url = migrated_database("workers_schema_columns");
  pqxx::connection connection(url);
  pqxx::work work(connection);
  std::vector<std::string> views;
  for (const auto& row : work.exec("SELECT table_name FROM information_schema.views "
                                   "WHERE table_schema = 'analytics' ORDER BY table_name"))
    views.push_back(row[0].c_str());
  std::map<std::string, std::vector<std::string>> expected = contract_columns();
  for (const auto& [view, columns] : added_columns())
    expected[view].insert(expected[view].end(), columns.begin(), columns.end());
  std::vector<std::string> expected_views;
  for (const auto& [view, columns] : expected) expected_views.push_back(view);
  EXPECT_EQ(views, expected_views);
  for (const auto& [view, columns] : expected) {
    std::vector<std::string> actual;
    for (const auto& row : work.exec_params(
             "SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics' "
             "AND table_name = $1 ORDER BY ordinal_position",
             view))
      actual.push_back(row[0].c_str());
    EXPECT_EQ(actual, columns) << view;
  }
  // Days are dates, times are timestamptz (UTC), counts are integers, hours numeric.
  const auto type_of = [&](const char* view, const char* column) {
    return work.exec_params1("SELECT data_type FROM information_schema.columns WHERE "
                             "table_schema = 'analytics' AND table_name = $1 AND column_name = $2",
                             view, column)[0].as<std::string>();
  };
  EXPECT_EQ(type_of("developer_activity_daily", "day"), "date");
  EXPECT_EQ(type_of("developer_activity_daily", "commits"), "bigint");
  EXPECT_EQ(type_of("pull_request_cycle", "created_at"), "timestamp with time zone");
  EXPECT_EQ(type_of("pull_request_cycle", "hours_to_merge"), "numeric");
  EXPECT_EQ(type_of("repository_stars", "stars_known_at"), "timestamp with time zone");
  EXPECT_EQ(type_of("leaderboard", "rank"), "bigint");
  EXPECT_EQ(type_of("developer_summary", "user_id"), "bigint");
  EXPECT_EQ(type_of("leaderboard", "is_bot"), "boolean");
  EXPECT_EQ(type_of("dora_deployment_frequency", "week"), "date");
  EXPECT_EQ(type_of("dora_deployment_frequency", "deployments"), "bigint");
  EXPECT_EQ(type_of("dora_lead_time", "lead_time_hours_p50"), "numeric");
  EXPECT_EQ(type_of("dora_change_failure_rate", "change_failure_rate"), "numeric");
  EXPECT_EQ(type_of("pull_request_cycle_weekly", "hours_to_merge_p90"), "numeric");
  EXPECT_EQ(type_of("deployment_outcomes", "succeeded_at"), "timestamp with time zone");
}

TEST(schema, the_readme_has_example_queries_for_every_view_and_they_run_as_the_analyst) {
  std::ifstream file(required_environment("TRIBUTARY_SOURCE_DIR") + "/schemas/README.md");
  ASSERT_TRUE(file) << "schemas/README.md";
  std::stringstream text;
  text << file.rdbuf();
  std::vector<std::string> blocks;
  const std::string readme = text.str();
  for (auto at = readme.find("```sql\n"); at != std::string::npos; at = readme.find("```sql\n", at)) {
    const auto start = at + 7;
    const auto end = readme.find("```", start);
    ASSERT_NE(end, std::string::npos);
    blocks.push_back(readme.substr(start, end - start));
    at = end + 3;
  }
  // Every example that reads a view runs, as tributary_analyst, on the lifecycle's database.
  applier_on_fresh_database database("workers_schema_readme");
  database.apply(to_messages(build_lifecycle()));
  pqxx::connection connection(database.url);
  std::set<std::string> views;
  for (const auto& [view, columns] : contract_columns()) views.insert(view);
  for (const auto& [view, columns] : added_columns()) views.insert(view);
  for (const auto& view : views) {
    std::size_t examples = 0;
    for (const auto& block : blocks) {
      if (block.find("analytics." + view) == std::string::npos) continue;
      ++examples;
      pqxx::work work(connection);
      work.exec("SET ROLE tributary_analyst");
      EXPECT_NO_THROW(work.exec(block)) << block;
    }
    EXPECT_GE(examples, 1u) << "no example query for analytics." << view;
  }
}

TEST(schema, the_kafka_headers_schema_documents_every_header_of_the_envelope) {
  namespace envelope = core::envelope;
  std::ifstream file(required_environment("TRIBUTARY_SOURCE_DIR") + "/schemas/kafka/headers.schema.json");
  ASSERT_TRUE(file);
  std::stringstream text;
  text << file.rdbuf();
  rapidjson::Document schema;
  ASSERT_FALSE(schema.Parse(text.str().c_str()).HasParseError());
  std::set<std::string> properties, required;
  for (const auto& property : schema["properties"].GetObject()) properties.insert(property.name.GetString());
  for (const auto& name : schema["required"].GetArray()) required.insert(name.GetString());
  const std::set<std::string> headers{
      std::string(envelope::header_event),       std::string(envelope::header_delivery),
      std::string(envelope::header_hook_id),     std::string(envelope::header_target_type),
      std::string(envelope::header_target_id),   std::string(envelope::header_received_at),
      std::string(envelope::header_source),      std::string(envelope::header_content_type)};
  EXPECT_EQ(properties, headers);
  // The GitHub hook headers only "when GitHub sent them"; the rest always.
  EXPECT_EQ(required, (std::set<std::string>{std::string(envelope::header_event),
                                             std::string(envelope::header_delivery),
                                             std::string(envelope::header_received_at),
                                             std::string(envelope::header_source),
                                             std::string(envelope::header_content_type)}));
  EXPECT_EQ(std::string(schema["properties"]["content-type"]["const"].GetString()),
            std::string(envelope::content_type_json));
  std::set<std::string> sources;
  for (const auto& source : schema["properties"]["source"]["enum"].GetArray()) sources.insert(source.GetString());
  EXPECT_EQ(sources, (std::set<std::string>{std::string(envelope::source_webhook),
                                            std::string(envelope::source_reconciler)}));
}

TEST(schema, the_analyst_role_reads_both_schemas_and_writes_nothing) {
  const auto url = migrated_database("workers_schema_role");
  pqxx::connection connection(url);
  {
    pqxx::work work(connection);
    EXPECT_FALSE(work.exec1("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'tributary_analyst'")[0]
                     .as<bool>());
  }
  const auto as_analyst = [&](const std::string& statement) {
    pqxx::work work(connection);
    work.exec("SET ROLE tributary_analyst");
    work.exec(statement);
  };
  for (const char* view : {"developer_activity_daily", "developer_summary", "pull_request_cycle",
                           "repository_stars", "leaderboard"})
    EXPECT_NO_THROW(as_analyst(std::string("SELECT * FROM analytics.") + view)) << view;
  EXPECT_NO_THROW(as_analyst("SELECT * FROM github.pull_requests"));
  EXPECT_NO_THROW(as_analyst("SELECT * FROM github.deliveries"));
  EXPECT_THROW(as_analyst("INSERT INTO github.deliveries (delivery_id, event, source, received_at, "
                          "folded) VALUES ('x', 'push', 'webhook', now(), true)"),
               pqxx::insufficient_privilege);
  EXPECT_THROW(as_analyst("UPDATE github.repositories SET stargazers_count = 1000"),
               pqxx::insufficient_privilege);
  EXPECT_THROW(as_analyst("CREATE TABLE analytics.mine (x int)"), pqxx::insufficient_privilege);
}

TEST(schema, sessions_of_a_migrated_database_start_with_jit_off_and_may_turn_it_on) {
  const auto url = migrated_database("workers_schema_jit");
  pqxx::connection connection(url);  // a session that starts after the migrations
  pqxx::work work(connection);
  EXPECT_EQ(work.exec1("SHOW jit")[0].as<std::string>(), "off");
  work.exec("SET jit = on");
  EXPECT_EQ(work.exec1("SHOW jit")[0].as<std::string>(), "on");
}

TEST(schema, raw_payloads_are_text_compressed_with_lz4_in_monthly_partitions) {
  const auto url = migrated_database("workers_schema_raw");
  pqxx::connection connection(url);
  pqxx::work work(connection);
  work.exec("SELECT github.ensure_webhook_events_partition('2026-02-14')");
  EXPECT_EQ(work.exec1("SELECT attcompression FROM pg_attribute WHERE attrelid = "
                       "'github.webhook_events_y2026m02'::regclass AND attname = 'payload'")[0]
                .as<std::string>(),
            "l");
  EXPECT_EQ(work.exec1("SELECT count(*) FROM github.webhook_events_partition_months() m "
                       "WHERE m = '2026-02-01'")[0]
                .as<int>(),
            1);
  // A row lands in its month's partition; a month without one is refused.
  work.exec("INSERT INTO github.webhook_events (received_at, delivery_id, event, source, payload) "
            "VALUES ('2026-02-28T23:59:59.999Z', 'd', 'ping', 'webhook', '{}')");
  EXPECT_EQ(work.exec1("SELECT count(*) FROM github.webhook_events_y2026m02")[0].as<int>(), 1);
  EXPECT_THROW(work.exec("INSERT INTO github.webhook_events (received_at, delivery_id, event, "
                         "source, payload) VALUES ('2026-03-01T00:00:00Z', 'e', 'ping', "
                         "'webhook', '{}')"),
               pqxx::sql_error);
}

}  // namespace
}  // namespace tributary::testing
