#include "workers/refold_tables.hpp"

#include <algorithm>
#include <array>

namespace tributary::workers {
namespace {

constexpr std::array<std::string_view, 22> derived{
    "users",
    "user_logins",
    "repositories",
    "commits",
    "pushes",
    "pull_requests",
    "pull_request_reviews",
    "issues",
    "issue_assignees",
    "issue_closings",
    "stars",
    "releases",
    "workflow_runs",
    "deployments",
    "deployment_statuses",
    "teams",
    "team_members",
    "team_repositories",
    "repository_collaborators",
    "refs",
    "installations",
    "installation_repositories",
};

constexpr std::array<std::string_view, 10> kept{
    "deliveries",           "webhook_events",        "dead_letters",
    "reconcile_targets",    "reconcile_validators",  "reconcile_watermarks",
    "reconcile_runs",       "reconcile_repository_gaps",
    "redelivery_sweeps",    "redelivered",
};

}  // namespace

std::span<const std::string_view> derived_tables() { return derived; }
std::span<const std::string_view> kept_tables() { return kept; }

std::vector<std::string> unclassified_github_tables(pqxx::transaction_base& work) {
  std::vector<std::string> result;
  for (const auto& row : work.exec(R"sql(
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'github' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname)sql")) {
    const auto name = row[0].as<std::string>();
    const auto named = [&](std::span<const std::string_view> list) {
      return std::find(list.begin(), list.end(), name) != list.end();
    };
    if (!named(derived) && !named(kept)) result.push_back(name);
  }
  return result;
}

}  // namespace tributary::workers
