#include "tests/reconciler/github_world.hpp"

#include "reconciler/github_time.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

namespace tributary::testing {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

const world_time world_end{std::chrono::sys_days(std::chrono::year(2026) / 1 / 1)};

/// Deterministic draws: std::mt19937's sequence is fixed by the standard (its distributions are
/// not, so they are not used).
class draws {
 public:
  explicit draws(std::uint32_t seed) : engine_(seed) {}
  int below(int bound) { return static_cast<int>(engine_() % static_cast<std::uint32_t>(bound)); }

 private:
  std::mt19937 engine_;
};

std::string sha_of(std::uint32_t a, std::uint32_t b) {
  char text[41];
  std::snprintf(text, sizeof text, "%08x%08x%08x%08x%08x", a, b, a ^ 0x5bd1e995u, b * 2654435761u,
                a + b);
  return std::string(text, 40);
}

}  // namespace

const world_user& github_world::user(const std::string& login) const {
  for (const auto& user : users)
    if (user.login == login) return user;
  throw std::out_of_range("no world user " + login);
}

std::string github_time(world_time at) { return reconciler::format_github_time(at); }

github_world build_world(const std::string& organization, const world_sizes& sizes) {
  github_world world;
  world.organization = organization;
  world.organization_id = 9'100'000 + static_cast<std::int64_t>(organization.size());
  world.now = world_end + hours(1);
  const std::vector<std::string> people{"ada", "brendan", "chen", "dagny", "emeka", "farah"};
  for (std::size_t index = 0; index < people.size(); ++index)
    world.users.push_back({people[index], 5'000'000 + static_cast<std::int64_t>(index),
                           "User", people[index] + " " + organization,
                           people[index] + "@" + organization + ".example"});
  world.users.push_back({"dependabot[bot]", 49'699'333, "Bot", "dependabot[bot]",
                         "49699333+dependabot[bot]@users.noreply.github.com"});
  const auto person = [&](draws& draw) { return people[static_cast<std::size_t>(draw.below(6))]; };

  const world_time start = world_end - days(60);
  std::int64_t next_id = 1;
  for (int r = 0; r < sizes.repositories; ++r) {
    draws draw(static_cast<std::uint32_t>(1000 + r));
    world_repository repository;
    repository.id = 7'700'000 + r;
    repository.name = "service-" + std::to_string(r);
    repository.created_at = start + hours(r);
    repository.forks_count = r;
    // Pushes every few days, each with 1 to 3 commits authored in the hour before.
    for (int p = 0; p < sizes.pushes_per_repository; ++p) {
      world_push push;
      push.pushed_at = start + days(2 + p * 55 / std::max(1, sizes.pushes_per_repository)) +
                       hours(9 + draw.below(8)) + minutes(draw.below(60));
      const auto count = 1 + draw.below(3);
      const bool by_bot = p % 5 == 4;
      push.pusher_login = by_bot ? "dependabot[bot]" : person(draw);
      for (int c = 0; c < count; ++c) {
        world_commit commit;
        commit.sha = sha_of(static_cast<std::uint32_t>(repository.id), static_cast<std::uint32_t>(p * 10 + c));
        commit.author_login = push.pusher_login;
        commit.authored_at = push.pushed_at - minutes(50 - c * 10);
        commit.message = "Change " + std::to_string(p) + "." + std::to_string(c) + " of " + repository.name;
        commit.additions = 1 + draw.below(400);
        commit.deletions = draw.below(120);
        push.commits.push_back(repository.commits.size());
        repository.commits.push_back(commit);
      }
      repository.pushes.push_back(push);
    }
    // Pull requests and issues share the repository's numbers.
    int number = 0;
    for (int p = 0; p < sizes.pulls_per_repository; ++p) {
      world_pull pull;
      pull.id = 60'000'000 + next_id++;
      pull.number = ++number;
      pull.title = "Pull request " + std::to_string(pull.number) + " of " + repository.name;
      pull.author_login = person(draw);
      pull.created_at = start + days(1 + p * 50 / std::max(1, sizes.pulls_per_repository)) +
                        hours(8 + draw.below(8));
      pull.updated_at = pull.created_at;
      pull.additions = 5 + draw.below(300);
      pull.deletions = draw.below(90);
      pull.changed_files = 1 + draw.below(12);
      pull.commits = 1 + draw.below(4);
      pull.head_sha = sha_of(static_cast<std::uint32_t>(pull.id), 77);
      const auto reviews = draw.below(3);
      for (int v = 0; v < reviews; ++v) {
        world_review review;
        review.id = 80'000'000 + next_id++;
        do review.reviewer_login = person(draw);
        while (review.reviewer_login == pull.author_login);
        static const char* const states[] = {"APPROVED", "CHANGES_REQUESTED", "COMMENTED"};
        review.state = states[draw.below(3)];
        review.submitted_at = pull.created_at + hours(2 + v * 5 + draw.below(4));
        pull.updated_at = review.submitted_at;
        pull.reviews.push_back(review);
      }
      // Most are merged, some closed unmerged, the newest stay open.
      if (p < sizes.pulls_per_repository - 2) {
        pull.closed_at = pull.updated_at + hours(3 + draw.below(30));
        if (p % 4 != 3) {
          pull.merged_at = pull.closed_at;
          pull.merged_by_login = person(draw);
        }
        pull.updated_at = *pull.closed_at;
      }
      repository.pulls.push_back(pull);
    }
    for (int i = 0; i < sizes.issues_per_repository; ++i) {
      world_issue issue;
      issue.id = 50'000'000 + next_id++;
      issue.number = ++number;
      issue.title = "Issue " + std::to_string(issue.number) + " of " + repository.name;
      issue.author_login = person(draw);
      issue.created_at = start + days(1 + i * 50 / std::max(1, sizes.issues_per_repository)) +
                         hours(10 + draw.below(6));
      issue.updated_at = issue.created_at;
      const auto assignees = draw.below(3);
      for (int a = 0; a < assignees; ++a) {
        const auto login = person(draw);
        if (std::find(issue.assignee_logins.begin(), issue.assignee_logins.end(), login) ==
            issue.assignee_logins.end())
          issue.assignee_logins.push_back(login);
      }
      if (!issue.assignee_logins.empty()) {
        issue.assigned_at = issue.created_at + minutes(30);
        issue.updated_at = *issue.assigned_at;
      }
      if (i % 3 != 2) {
        issue.closed_at = issue.updated_at + hours(5 + draw.below(70));
        issue.updated_at = *issue.closed_at;
      }
      repository.issues.push_back(issue);
    }
    for (int s = 0; s < sizes.stars_per_repository; ++s)
      repository.stars.push_back(
          {people[static_cast<std::size_t>((s + r) % 6)],
           start + days(3 + s * 50 / std::max(1, sizes.stars_per_repository)) + hours(draw.below(20))});
    for (int v = 0; v < sizes.releases_per_repository; ++v) {
      world_release release;
      release.id = 30'000'000 + next_id++;
      release.tag_name = "v1." + std::to_string(v) + ".0";
      release.name = repository.name + " " + release.tag_name;
      release.author_login = person(draw);
      release.created_at = start + days(20 + v * 15) + hours(draw.below(10));
      release.published_at = release.created_at + minutes(5);
      repository.releases.push_back(release);
    }
    world.repositories.push_back(std::move(repository));
  }
  for (int t = 0; t < sizes.teams; ++t) {
    world_team team;
    team.id = 4'400'000 + t;
    team.slug = t == 0 ? "platform" : "team-" + std::to_string(t);
    team.name = t == 0 ? "Platform" : "Team " + std::to_string(t);
    team.created_at = start + days(t) + hours(2);
    for (std::size_t p = static_cast<std::size_t>(t); p < people.size(); p += 2)
      team.member_logins.push_back(people[p]);
    world.teams.push_back(team);
  }
  return world;
}

repository_state state_at(const world_repository& repository, world_time at) {
  repository_state state;
  state.updated_at = repository.created_at;
  state.pushed_at = repository.created_at;
  const auto moved = [&](world_time when) {
    if (when <= at) state.updated_at = std::max(state.updated_at, when);
  };
  for (const auto& push : repository.pushes)
    if (push.pushed_at <= at) {
      state.pushed_at = std::max(state.pushed_at, push.pushed_at);
      moved(push.pushed_at);
    }
  for (const auto& star : repository.stars)
    if (star.starred_at <= at) {
      ++state.stargazers_count;
      moved(star.starred_at);
    }
  const auto open_at = [&](world_time created, const std::optional<world_time>& closed) {
    return created <= at && (!closed || *closed > at);
  };
  for (const auto& pull : repository.pulls)
    if (open_at(pull.created_at, pull.closed_at)) ++state.open_issues_count;
  for (const auto& issue : repository.issues)
    if (open_at(issue.created_at, issue.closed_at)) ++state.open_issues_count;
  return state;
}

}  // namespace tributary::testing
