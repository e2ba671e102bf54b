#include "tests/reconciler/world_rest.hpp"

#include "tests/reconciler/openapi_examples.hpp"
#include "tests/reconciler/world_json.hpp"

namespace tributary::testing {
namespace {

/// A commit's person ({name, email, date}) as git records it.
void make_git_person(rapidjson::Value& object, const world_user& user, world_time at,
                     json_allocator& allocator) {
  if (!object.IsObject()) object.SetObject();
  set_field(object, "name", user.name, allocator);
  set_field(object, "email", user.email, allocator);
  set_field(object, "date", github_time(at), allocator);
}

/// A commit of the list (`commit-items`) or alone with stats and files (`commit`).
std::string commit_object(const github_world& world, const world_repository& repository,
                          const world_commit& commit, bool detail) {
  rapidjson::Document document;
  auto& allocator = document.GetAllocator();
  auto value = openapi_examples::get().object(detail ? "commit" : "commit-items", allocator);
  const auto url = "https://api.github.com/repos/" + world.full_name(repository) + "/commits/" + commit.sha;
  const auto& author = world.user(commit.author_login);
  set_field(value, "sha", commit.sha, allocator);
  set_field(value, "node_id", "C_" + commit.sha, allocator);
  set_field(value, "url", url, allocator);
  set_field(value, "html_url", "https://github.com/" + world.full_name(repository) + "/commit/" + commit.sha,
            allocator);
  set_field(value, "comments_url", url + "/comments", allocator);
  auto& git = value["commit"];
  make_git_person(git["author"], author, commit.authored_at, allocator);
  make_git_person(git["committer"], author, commit.authored_at, allocator);
  set_field(git, "message", commit.message, allocator);
  make_user(value["author"], author, allocator);
  make_user(value["committer"], author, allocator);
  if (detail) {
    auto& stats = value["stats"];
    set_field(stats, "additions", commit.additions, allocator);
    set_field(stats, "deletions", commit.deletions, allocator);
    set_field(stats, "total", commit.additions + commit.deletions, allocator);
    // One file holding every changed line, so that the files agree with the stats.
    auto& files = value["files"];
    if (files.IsArray() && !files.Empty()) {
      rapidjson::Value file(files[0], allocator);
      set_field(file, "additions", commit.additions, allocator);
      set_field(file, "deletions", commit.deletions, allocator);
      set_field(file, "changes", commit.additions + commit.deletions, allocator);
      files.Clear();
      files.PushBack(file, allocator);
    }
  }
  return compact_json(value);
}

std::string release_object(const github_world& world, const world_repository& repository,
                           const world_release& release) {
  rapidjson::Document document;
  auto& allocator = document.GetAllocator();
  auto value = openapi_examples::get().object("release-items", allocator);
  const auto base = "https://api.github.com/repos/" + world.full_name(repository) + "/releases/" +
                    std::to_string(release.id);
  set_field(value, "id", release.id, allocator);
  set_field(value, "node_id", "RE_" + std::to_string(release.id), allocator);
  set_field(value, "url", base, allocator);
  set_field(value, "assets_url", base + "/assets", allocator);
  set_field(value, "html_url",
            "https://github.com/" + world.full_name(repository) + "/releases/tag/" + release.tag_name,
            allocator);
  set_field(value, "tag_name", release.tag_name, allocator);
  set_field(value, "target_commitish", repository.default_branch, allocator);
  set_field(value, "name", release.name, allocator);
  set_bool(value, "draft", false, allocator);
  set_bool(value, "prerelease", false, allocator);
  set_time(value, "created_at", release.created_at, allocator);
  set_time(value, "published_at", release.published_at, allocator);
  make_user(value["author"], world.user(release.author_login), allocator);
  return compact_json(value);
}

}  // namespace

std::optional<fake_resource> find_history_resource(const github_world& world,
                                                   const world_repository* repository,
                                                   const std::vector<std::string_view>& segments,
                                                   const query_parameters& query,
                                                   std::string_view accept) {
  fake_resource resource;
  if (repository != nullptr && segments.size() >= 4) {
    const auto& repo = *repository;
    if (segments.size() == 4 && segments[3] == "commits") {
      // sha: "SHA or branch to start listing commits from. Default: the repository's default
      // branch". Only the default branch exists in the world; newest first.
      const auto sha = query.find("sha");
      if (sha != query.end() && sha->second != repo.default_branch) return std::nullopt;
      resource.list = true;
      resource.count = repo.commits.size();
      resource.item = [&world, &repo](std::size_t index) {
        return commit_object(world, repo, repo.commits[repo.commits.size() - 1 - index], false);
      };
      return resource;
    }
    if (segments.size() == 5 && segments[3] == "commits") {
      for (const auto& commit : repo.commits)
        if (commit.sha == segments[4]) {
          resource.object = commit_object(world, repo, commit, true);
          return resource;
        }
      return std::nullopt;
    }
    if (segments.size() == 4 && segments[3] == "stargazers") {
      // Oldest first, as GitHub lists stargazers; starred_at only in the star+json media type.
      const bool with_dates = accept.find("star+json") != std::string_view::npos;
      resource.list = true;
      resource.count = repo.stars.size();
      resource.item = [&world, &repo, with_dates](std::size_t index) {
        const auto& star = repo.stars[index];
        rapidjson::Document document;
        auto& allocator = document.GetAllocator();
        if (!with_dates) {
          auto value = openapi_examples::get().object("simple-user-items", allocator);
          make_user(value, world.user(star.login), allocator);
          return compact_json(value);
        }
        auto value = openapi_examples::get().object(
            "stargazer-items-alternative-response-with-star-creation-timestamps", allocator);
        set_time(value, "starred_at", star.starred_at, allocator);
        make_user(value["user"], world.user(star.login), allocator);
        return compact_json(value);
      };
      return resource;
    }
    if (segments.size() == 4 && segments[3] == "releases") {
      // Newest first (by created_at), as GitHub lists releases.
      resource.list = true;
      resource.count = repo.releases.size();
      resource.item = [&world, &repo](std::size_t index) {
        return release_object(world, repo, repo.releases[repo.releases.size() - 1 - index]);
      };
      return resource;
    }
    return std::nullopt;
  }
  if (segments.size() >= 3 && segments[0] == "orgs" && segments[1] == world.organization &&
      segments[2] == "teams") {
    if (segments.size() == 3) {
      resource.list = true;
      resource.count = world.teams.size();
      resource.item = [&world](std::size_t index) {
        rapidjson::Document document;
        auto value = openapi_examples::get().object("team-items", document.GetAllocator());
        make_team(value, world, world.teams[index], document.GetAllocator());
        return compact_json(value);
      };
      return resource;
    }
    if (segments.size() == 5 && segments[4] == "members") {
      for (const auto& team : world.teams) {
        if (team.slug != segments[3]) continue;
        resource.list = true;
        resource.count = team.member_logins.size();
        resource.item = [&world, &team](std::size_t index) {
          rapidjson::Document document;
          auto value = openapi_examples::get().object("team-member-items", document.GetAllocator());
          make_user(value, world.user(team.member_logins[index]), document.GetAllocator());
          return compact_json(value);
        };
        return resource;
      }
    }
  }
  return std::nullopt;
}

}  // namespace tributary::testing
