#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tributary::testing {

using world_time = std::chrono::sys_seconds;

/// An organisation's GitHub history as plain values: the one truth from which a test builds both
/// what webhooks would have delivered (world_webhooks.hpp) and what GitHub's REST API answers now
/// (the fake serves it, world_rest.hpp), so that a database fed part of the webhooks and then
/// reconciled can be compared with one fed all of them. Every time is whole seconds, UTC, and
/// before `now`. Plain data: any thread may read it once built.
struct world_user {
  std::string login;
  std::int64_t id = 0;
  std::string type = "User";  // "User", "Bot" or "Organization"
  std::string name;
  std::string email;          // what their commits carry
};

/// A commit of a repository's default branch; `additions`/`deletions` are what
/// GET /repos/{owner}/{repo}/commits/{sha} reports (push webhooks never carry them).
struct world_commit {
  std::string sha;
  std::string author_login;
  world_time authored_at;
  std::string message;
  int additions = 0;
  int deletions = 0;
};

/// A push to the default branch: the commits it brought (indices into world_repository::commits,
/// oldest first), at `pushed_at` (after each commit's authored_at).
struct world_push {
  world_time pushed_at;
  std::string pusher_login;
  std::vector<std::size_t> commits;
};

struct world_review {
  std::int64_t id = 0;
  std::string reviewer_login;
  std::string state;  // "APPROVED", "CHANGES_REQUESTED" or "COMMENTED" (REST's spelling)
  world_time submitted_at;
};

/// A pull request and its reviews. `updated_at` is the latest of its changes (created, each
/// review, closed or merged).
struct world_pull {
  std::int64_t id = 0;
  int number = 0;
  std::string title;
  std::string author_login;
  world_time created_at;
  world_time updated_at;
  std::optional<world_time> closed_at;
  std::optional<world_time> merged_at;  // set only with closed_at, equal to it
  std::string merged_by_login;
  int additions = 0;
  int deletions = 0;
  int changed_files = 0;
  int commits = 1;
  std::string head_sha;
  std::vector<world_review> reviews;  // in submitted_at order
};

/// An issue; its assignees are assigned once, at `assigned_at` (before any closing), and never
/// change afterwards, so the assignees at closing are those REST reports now.
struct world_issue {
  std::int64_t id = 0;
  int number = 0;  // shares the repository's numbering with pull requests
  std::string title;
  std::string author_login;
  world_time created_at;
  world_time updated_at;
  std::optional<world_time> closed_at;
  std::vector<std::string> assignee_logins;
  std::optional<world_time> assigned_at;  // set when assignee_logins is not empty
};

struct world_star {
  std::string login;
  world_time starred_at;
};

struct world_release {
  std::int64_t id = 0;
  std::string tag_name;
  std::string name;
  std::string author_login;
  world_time created_at;
  world_time published_at;
};

struct world_repository {
  std::int64_t id = 0;
  std::string name;
  std::string default_branch = "main";
  world_time created_at;
  std::vector<world_commit> commits;  // the default branch, oldest first
  std::vector<world_push> pushes;     // oldest first; together they bring every commit once
  std::vector<world_pull> pulls;
  std::vector<world_issue> issues;
  std::vector<world_star> stars;      // oldest first (GET …/stargazers's order)
  std::vector<world_release> releases;
  int forks_count = 0;
};

struct world_team {
  std::int64_t id = 0;
  std::string slug;
  std::string name;
  world_time created_at;
  std::vector<std::string> member_logins;  // each added at created_at + (index + 1) minutes
};

struct github_world {
  std::string organization;
  std::int64_t organization_id = 0;
  world_time now;  // later than every time in the world
  std::vector<world_user> users;
  std::vector<world_repository> repositories;
  std::vector<world_team> teams;

  /// The user with `login`; throws std::out_of_range for none.
  const world_user& user(const std::string& login) const;
  std::string full_name(const world_repository& repository) const {
    return organization + "/" + repository.name;
  }
};

/// How big a world build_world makes.
struct world_sizes {
  int repositories = 3;
  int pushes_per_repository = 6;  // 1 to 3 commits each
  int pulls_per_repository = 8;
  int issues_per_repository = 6;
  int stars_per_repository = 5;
  int releases_per_repository = 2;
  int teams = 2;
};

/// A deterministic history of organisation `organization` (the same world for the same
/// arguments): six people and one bot spread over 60 days before 2026-01-01, every entity dated
/// in that span.
github_world build_world(const std::string& organization, const world_sizes& sizes = {});

/// What the repository looked like at `at`: stargazers_count = stars until then,
/// open_issues_count, updated_at and pushed_at = its latest change until then. Both the webhook
/// payloads and the REST objects take the repository's state from here, so that they agree.
struct repository_state {
  int stargazers_count = 0;
  int open_issues_count = 0;  // open issues and pull requests, as GitHub counts them
  world_time updated_at;
  world_time pushed_at;
};
repository_state state_at(const world_repository& repository, world_time at);

/// GitHub's "2016-07-11T22:14:10Z".
std::string github_time(world_time at);

}  // namespace tributary::testing
