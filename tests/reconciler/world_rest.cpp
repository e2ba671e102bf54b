#include "tests/reconciler/world_rest.hpp"

#include "tests/reconciler/openapi_examples.hpp"
#include "tests/reconciler/world_json.hpp"

namespace tributary::testing {
namespace {

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  return segments;
}

std::string repository_object(const github_world& world, const world_repository& repository,
                              const char* example) {
  rapidjson::Document document;
  auto& allocator = document.GetAllocator();
  auto value = openapi_examples::get().object(example, allocator);
  make_repository(value, world, repository, world.now, allocator);
  return compact_json(value);
}

}  // namespace

std::optional<fake_resource> find_in_world(const github_world& world, std::string_view path,
                                           const query_parameters& query, std::string_view accept) {
  const auto segments = segments_of(path);
  fake_resource resource;
  const world_repository* repository = nullptr;
  if (segments.size() >= 2 && segments[0] == "orgs") {
    if (segments[1] != world.organization) return std::nullopt;
    if (segments.size() == 2) {
      rapidjson::Document document;
      auto& allocator = document.GetAllocator();
      auto value = openapi_examples::get().object("organization-full", allocator);
      set_field(value, "login", world.organization, allocator);
      set_field(value, "id", world.organization_id, allocator);
      set_field(value, "url", "https://api.github.com/orgs/" + world.organization, allocator);
      resource.object = compact_json(value);
      return resource;
    }
    if (segments.size() == 3 && segments[2] == "repos") {
      // GET /orgs/{org}/repos: sort=created, direction asc by default in GitHub's description
      // ("Default: created" / "asc when using full_name, otherwise desc"): newest created first.
      resource.list = true;
      resource.count = world.repositories.size();
      resource.item = [&world](std::size_t index) {
        const auto& repository = world.repositories[world.repositories.size() - 1 - index];
        return repository_object(world, repository, "minimal-repository-items");
      };
      return resource;
    }
  } else if (segments.size() >= 3 && segments[0] == "repos") {
    if (segments[1] != world.organization) return std::nullopt;
    for (const auto& candidate : world.repositories)
      if (candidate.name == segments[2]) repository = &candidate;
    if (repository == nullptr) return std::nullopt;
    if (segments.size() == 3) {
      resource.object = repository_object(world, *repository, "full-repository-default-response");
      return resource;
    }
  }
  if (auto found = find_tracker_resource(world, repository, segments, query, accept)) return found;
  return find_history_resource(world, repository, segments, query, accept);
}

}  // namespace tributary::testing
