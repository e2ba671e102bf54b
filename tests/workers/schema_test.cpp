// The migrations of schemas/sql: they apply once, the views say what they compute, the analyst
// role reads and never writes, raw payloads are lz4-compressed text.
#include "core/migrations.hpp"
#include "schemas/embedded_migrations.hpp"
#include "tests/workers/analytics_snapshot.hpp"

#include <pqxx/pqxx>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

TEST(schema, migrations_apply_once_and_the_worker_accepts_the_result) {
  const auto url = migrated_database("workers_schema");
  pqxx::connection connection(url);
  const auto again = core::apply_migrations(connection, schemas::all_migrations());
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.current_version, 5);
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
