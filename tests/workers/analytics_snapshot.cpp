#include "tests/workers/analytics_snapshot.hpp"

#include "core/migrations.hpp"
#include "schemas/embedded_migrations.hpp"
#include "tests/harness/database.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace tributary::testing {
namespace {

/// One row as "a|b|c", NULL as "-".
std::string row_text(const pqxx::row& row) {
  std::string line;
  for (const auto& field : row) {
    if (!line.empty()) line += '|';
    line += field.is_null() ? "-" : field.c_str();
  }
  return line;
}

}  // namespace

std::vector<std::string> rows_of(const std::string& url, const std::string& query) {
  pqxx::connection connection(url);
  pqxx::work work(connection);
  work.exec("SET TIME ZONE 'UTC'");
  std::vector<std::string> rows;
  for (const auto& row : work.exec(query)) rows.push_back(row_text(row));
  return rows;
}

std::map<std::string, std::vector<std::string>> analytics_snapshot(const std::string& url) {
  static const std::vector<std::pair<std::string, std::string>> queries = {
      {"developer_activity_daily",
       "SELECT day, login, repo, commits, additions, deletions, prs_opened, prs_merged, "
       "reviews_submitted, issues_opened, issues_closed FROM analytics.developer_activity_daily "
       "ORDER BY day, login COLLATE \"C\", repo COLLATE \"C\""},
      {"developer_summary",
       "SELECT login, commits, additions, deletions, prs_opened, prs_merged, reviews_submitted, "
       "issues_opened, issues_closed, open_issues_assigned, stars_received "
       "FROM analytics.developer_summary ORDER BY login COLLATE \"C\""},
      {"pull_request_cycle",
       "SELECT repo, number, author, created_at, first_review_at, merged_at, closed_at, additions, "
       "deletions, changed_files, round(hours_to_first_review, 4), round(hours_to_merge, 4) "
       "FROM analytics.pull_request_cycle ORDER BY repo COLLATE \"C\", number"},
      {"repository_stars",
       "SELECT repo, owner, stars, stars_known_at FROM analytics.repository_stars "
       "ORDER BY repo COLLATE \"C\""},
      {"leaderboard",
       "SELECT login, score, rank, commits, additions, deletions, prs_opened, prs_merged, "
       "reviews_submitted, issues_opened, issues_closed, open_issues_assigned, stars_received "
       "FROM analytics.leaderboard ORDER BY rank, login COLLATE \"C\""},
      // Migration 011 (rows sorted below).
      {"deployment_outcomes",
       "SELECT repo, environment, deployment_id, sha, ref, created_at, succeeded_at, failed_at, "
       "rollback, rolled_back_by, failed_change FROM analytics.deployment_outcomes"},
      {"deployment_restores",
       "SELECT repo, environment, failed_deployment_id, failed_at, restored_by_deployment_id, "
       "restored_at, round(hours_to_restore, 4) FROM analytics.deployment_restores"},
      {"change_lead_times",
       "SELECT repo, environment, number, merged_at, merge_commit_sha, deployment_id, deployed_sha, "
       "deployed_at, round(lead_time_hours, 4) FROM analytics.change_lead_times"},
      {"dora_deployment_frequency",
       "SELECT repo, environment, week, deployments FROM analytics.dora_deployment_frequency"},
      {"dora_lead_time",
       "SELECT repo, environment, week, changes, round(lead_time_hours_p50, 4), "
       "round(lead_time_hours_p90, 4) FROM analytics.dora_lead_time"},
      {"dora_change_failure_rate",
       "SELECT repo, environment, week, deployments, failed_changes, round(change_failure_rate, 4) "
       "FROM analytics.dora_change_failure_rate"},
      {"dora_time_to_restore",
       "SELECT repo, environment, week, restores, round(hours_to_restore_p50, 4), "
       "round(hours_to_restore_p90, 4) FROM analytics.dora_time_to_restore"},
      {"pull_request_cycle_weekly",
       "SELECT repo, week, reviewed, round(hours_to_first_review_p50, 4), "
       "round(hours_to_first_review_p90, 4), merged, round(hours_to_merge_p50, 4), "
       "round(hours_to_merge_p90, 4) FROM analytics.pull_request_cycle_weekly"},
  };
  pqxx::connection connection(url);
  pqxx::work work(connection);
  work.exec("SET TIME ZONE 'UTC'");
  std::map<std::string, std::vector<std::string>> snapshot;
  for (const auto& [view, query] : queries) {
    auto& rows = snapshot[view];
    for (const auto& row : work.exec(query)) rows.push_back(row_text(row));
    // The ORDER BY keys need not be unique (GitHub's examples reuse a full_name for several
    // repository ids): sort whole rows so that equal contents compare equal.
    std::sort(rows.begin(), rows.end());
  }
  return snapshot;
}

std::string migrated_database(const std::string& prefix) {
  const auto url = create_database(prefix);
  pqxx::connection connection(url);
  core::apply_migrations(connection, schemas::all_migrations());
  return url;
}

long long count_of(const std::string& url, const std::string& query) {
  pqxx::connection connection(url);
  pqxx::work work(connection);
  return work.exec1(query)[0].as<long long>();
}

}  // namespace tributary::testing
