// tributary-worker --refold (workers/refold.hpp): every github table classified; every entity row
// deleted and refolded from the raw store gives the same views and entity rows; a refold while a
// live tributary-worker folds new deliveries loses and double-counts nothing; raw rows missing
// from the store make it refuse, naming them, with nothing changed.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/workers/applier_fixture.hpp"
#include "tests/workers/worker_stream.hpp"
#include "workers/refold.hpp"
#include "workers/refold_tables.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
using snapshot = std::map<std::string, std::vector<std::string>>;

/// Every view of schema analytics and every derived table, each as its rows' text, sorted.
/// first_seen_delivery is left out, and with it admin.webhook_coverage, which counts by it: it is
/// exact to a batch (schemas/README.md), and a refold batches differently from the worker that
/// first folded the deliveries.
snapshot views_and_entities(const std::string& url) {
  pqxx::connection connection(url);
  pqxx::work work(connection);
  work.exec("SET TIME ZONE 'UTC'");
  std::vector<std::string> queries;
  for (const auto& row : work.exec("SELECT format('%I.%I', schemaname, viewname) FROM pg_views "
                                   "WHERE schemaname = 'analytics'"))
    queries.push_back("SELECT t::text FROM " + row[0].as<std::string>() + " t");
  for (const auto table : workers::derived_tables())
    queries.push_back("SELECT (to_jsonb(t) - 'first_seen_delivery')::text FROM github." +
                      std::string(table) + " t");
  snapshot result;
  for (const auto& query : queries) {
    auto& rows = result[query];
    for (const auto& row : work.exec(query)) rows.push_back(row[0].is_null() ? "-" : row[0].c_str());
    std::sort(rows.begin(), rows.end());
  }
  return result;
}

/// The stream applied in batches of 7 by an in-process batch_applier (the worker's own code).
void apply_stream(applier_on_fresh_database& database, const std::vector<delivery>& items) {
  const auto messages = to_messages(items);
  for (std::size_t i = 0; i < messages.size(); i += 7)
    database.apply({messages.begin() + static_cast<std::ptrdiff_t>(i),
                    messages.begin() + static_cast<std::ptrdiff_t>(std::min(i + 7, messages.size()))});
}

child_options refold_options(const std::string& url) {
  return {{required_environment("TRIBUTARY_BUILD_DIR") + "/workers/tributary-worker", "--refold"},
          {{"DATABASE_URL", url},
           {"REFOLD_BATCH_SIZE", "50"},
           {"REFOLD_PROGRESS_INTERVAL", "0s"},
           {"KAFKA_BOOTSTRAP_SERVERS", std::nullopt},
           {"LOG_LEVEL", "info"}}};
}

void expect_swapped_in_place(const std::string& url) {
  // Contents were swapped, not tables: grants, triggers, the views' bindings stay; the fresh
  // schema is gone.
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'github_refold'"), 0);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.repositories "
                          "WHERE NOT has_table_privilege('tributary_analyst', 'github.repositories', 'SELECT')"),
            0);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM pg_trigger WHERE tgname = 'remember_first_delivery' "
                          "AND tgenabled = 'O'"),
            6);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.repositories WHERE first_seen_delivery IS NULL"), 0);
}

TEST(refold, every_github_table_is_derived_or_kept) {
  const auto url = migrated_database("refold_classes");
  pqxx::connection connection(url);
  pqxx::work work(connection);
  EXPECT_EQ(workers::unclassified_github_tables(work), std::vector<std::string>{})
      << "classify each new table of schema github in workers/refold_tables.cpp";
  for (const auto table : workers::derived_tables())
    EXPECT_EQ(work.exec_params1("SELECT count(*) FROM pg_tables WHERE schemaname = 'github' "
                                "AND tablename = $1",
                                std::string(table))[0]
                  .as<int>(),
              1)
        << table;
}

TEST(refold, fold_sql_names_derived_tables_without_a_schema) {
  // A fold writing github.X would write the live table during a refold, and the swap would then
  // drop what it wrote: the folds' search_path decides the schema (prepare_fold_statements).
  std::string alternatives;
  for (const auto table : workers::derived_tables())
    alternatives += (alternatives.empty() ? "" : "|") + std::string(table);
  const std::regex qualified("github\\.(" + alternatives + ")\\b");
  const auto folds = std::filesystem::path(required_environment("TRIBUTARY_SOURCE_DIR")) / "workers" / "folds";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folds)) {
    if (entry.path().extension() != ".cpp") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const auto source = text.str();
    std::smatch found;
    EXPECT_FALSE(std::regex_search(source, found, qualified))
        << entry.path().filename() << " names " << found.str() << ": write it without the schema";
  }
  EXPECT_GT(files, 10);
}

TEST(refold, deleting_every_entity_row_and_refolding_gives_the_same_views) {
  applier_on_fresh_database database("refold_same");
  apply_stream(database, the_stream());
  const auto before = views_and_entities(database.url);
  const std::string index_count =
      "SELECT count(*) FROM pg_indexes WHERE schemaname = 'github' AND indexname NOT LIKE 'webhook_events_y%'";
  const auto indexes = database.count(index_count);
  ASSERT_GT(database.count("SELECT count(*) FROM analytics.developer_summary"), 5);
  {
    pqxx::connection connection(database.url);
    pqxx::work work(connection);
    std::string truncate = "TRUNCATE ";
    for (const auto table : workers::derived_tables())
      truncate += (truncate.size() > 9 ? ", github." : "github.") + std::string(table);
    work.exec(truncate);
    work.commit();
  }
  ASSERT_EQ(database.count("SELECT count(*) FROM analytics.developer_summary"), 0);

  child_process refold(refold_options(database.url));
  const auto status = refold.wait_for_exit(60s);
  ASSERT_TRUE(status && status->success()) << refold.stderr_text();
  EXPECT_NE(refold.stderr_text().find("\"refold progress\""), std::string::npos);
  EXPECT_NE(refold.stderr_text().find("\"refold complete\""), std::string::npos);
  EXPECT_NE(refold.stderr_text().find("\"deliveries\":350"), std::string::npos) << refold.stderr_text();

  const auto after = views_and_entities(database.url);
  for (const auto& [query, rows] : before) EXPECT_EQ(after.at(query), rows) << query;
  expect_swapped_in_place(database.url);
  EXPECT_EQ(database.count(index_count), indexes);
}

TEST(refold, a_stop_before_the_swap_leaves_the_live_tables_as_they_were) {
  applier_on_fresh_database database("refold_stop");
  apply_stream(database, the_stream());
  const auto before = views_and_entities(database.url);
  // The refold is held at its first look at the raw store until it has been told to stop, so the
  // stop lands before the swap whatever the machine's speed; it then notices at its first batch.
  pqxx::connection holder(database.url);
  pqxx::work hold(holder);
  hold.exec("LOCK TABLE github.webhook_events IN ACCESS EXCLUSIVE MODE");
  child_process refold(refold_options(database.url));
  ASSERT_TRUE(wait_until(
      [&] {
        return count_of(database.url,
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                        "'tributary-worker --refold' AND wait_event_type = 'Lock'") == 1;
      },
      30s))
      << refold.stderr_text();
  refold.send_signal(SIGTERM);
  hold.abort();
  const auto status = refold.wait_for_exit(30s);
  ASSERT_TRUE(status && status->exited);
  EXPECT_EQ(status->code, 1);
  EXPECT_NE(refold.stderr_text().find("tributary-worker: refold stopped before the swap: live tables unchanged"),
            std::string::npos)
      << refold.stderr_text();
  EXPECT_EQ(views_and_entities(database.url), before);
  EXPECT_EQ(count_of(database.url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'github_refold'"), 0);
}

TEST(refold, under_live_traffic_loses_and_double_counts_nothing) {
  const auto stream = the_stream();
  const auto part = [&](std::size_t index) {
    const auto size = stream.size() / 4;
    const auto begin = stream.begin() + static_cast<std::ptrdiff_t>(index * size);
    return std::vector<delivery>(begin, index == 3 ? stream.end()
                                                   : begin + static_cast<std::ptrdiff_t>(size));
  };
  const auto first = part(0), second = part(1), third = part(2), last = part(3);

  applier_on_fresh_database control("refold_control");
  apply_stream(control, stream);
  const auto expected = views_and_entities(control.url);

  const auto url = migrated_database("refold_live");
  const auto topic = fresh_topic("refold");
  child_process worker(worker_options(url, topic, unique_name("refold")));
  publish(topic, first, -1);
  const auto ledger = [&] { return count_of(url, "SELECT count(*) FROM github.deliveries"); };
  ASSERT_TRUE(wait_until([&] { return ledger() == static_cast<long long>(first.size()); }, 60s));

  // The worker folds the second quarter while the bulk is refolded, the third while the refold
  // catches up (which starts only once some of it is in), and the last while the refold takes
  // the lock and swaps: folded under the lock, or waiting for it and folded after the swap.
  std::map<std::string, int> phases;
  workers::refold_options options{10, 0ms, [&](std::string_view phase) {
                                    const auto seen = ++phases[std::string(phase)];
                                    if (phase == "bulk") publish(topic, second, -1);
                                    if (phase == "catch_up" && seen == 1) {
                                      const auto before = ledger();
                                      publish(topic, third, -1);
                                      ASSERT_TRUE(wait_until([&] { return ledger() > before; }, 60s));
                                    }
                                    if (phase == "final") publish(topic, last, -1);
                                  }};
  std::atomic<bool> stopping{false};
  const auto outcome = workers::refold(url, options, stopping, core::logger("refold-test"));
  EXPECT_GT(outcome.caught_up, 0u);
  EXPECT_EQ(outcome.failed, 0u);
  EXPECT_EQ(phases["final"], 1);

  ASSERT_TRUE(wait_until([&] { return ledger() == stream_deliveries; }, 60s)) << ledger();
  ASSERT_TRUE(wait_until([&] { return views_and_entities(url) == expected; }, 20s));
  const auto after = views_and_entities(url);
  for (const auto& [query, rows] : expected) EXPECT_EQ(after.at(query), rows) << query;
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.dead_letters"), 0);
  expect_swapped_in_place(url);
  worker.send_signal(SIGTERM);
  EXPECT_TRUE(worker.wait_for_exit(30s));
}

TEST(refold, a_delivery_that_no_longer_folds_is_left_out_and_the_rest_folds) {
  applier_on_fresh_database database("refold_culprit");
  apply_stream(database, build_lifecycle());
  const auto pull_requests = database.count("SELECT count(*) FROM github.pull_requests");
  {
    // An issue number PostgreSQL refuses (integer out of range): the refold's batch fails in
    // the database, is rolled back to its savepoint and folded again one by one.
    pqxx::connection connection(database.url);
    pqxx::work work(connection);
    work.exec("UPDATE github.webhook_events SET payload = "
              "jsonb_set(payload::jsonb, '{issue,number}', '1099511627776')::text "
              "WHERE delivery_id = (SELECT delivery_id FROM github.deliveries WHERE event = 'issues' "
              "ORDER BY received_at LIMIT 1)");
    work.commit();
  }
  std::atomic<bool> stopping{false};
  const auto outcome = workers::refold(database.url, {500, 10s, {}}, stopping,
                                       core::logger("refold-test"));
  EXPECT_EQ(outcome.failed, 1u);
  EXPECT_EQ(outcome.deliveries, build_lifecycle().size());
  EXPECT_EQ(outcome.folded + outcome.skipped + outcome.failed, outcome.deliveries);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.pull_requests"), pull_requests);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.issues WHERE number > 2147483647"), 0);
  expect_swapped_in_place(database.url);
}

TEST(refold, refuses_when_raw_retention_dropped_deliveries_the_ledger_holds) {
  applier_on_fresh_database database("refold_refused");
  apply_stream(database, build_lifecycle());
  {
    pqxx::connection connection(database.url);
    pqxx::work work(connection);
    work.exec("DELETE FROM github.webhook_events WHERE delivery_id IN "
              "(SELECT delivery_id FROM github.deliveries ORDER BY received_at LIMIT 3)");
    work.commit();
  }
  const auto before = views_and_entities(database.url);

  child_process refold(refold_options(database.url));
  const auto status = refold.wait_for_exit(60s);
  ASSERT_TRUE(status && status->exited);
  EXPECT_EQ(status->code, 1);
  const auto error = refold.stderr_text();
  EXPECT_EQ(std::count(error.begin(), error.end(), '\n'), 1) << error;
  EXPECT_NE(error.find("refold refused: 3 deliveries of the ledger github.deliveries"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("no raw payload in github.webhook_events"), std::string::npos) << error;
  EXPECT_EQ(views_and_entities(database.url), before);
  EXPECT_EQ(count_of(database.url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'github_refold'"), 0);
}

}  // namespace
}  // namespace tributary::testing
