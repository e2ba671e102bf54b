#include "tests/reconciler/world_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tributary::testing {
namespace {

rapidjson::Value& slot(rapidjson::Value& object, const char* name, json_allocator& allocator) {
  if (!object.HasMember(name))
    object.AddMember(rapidjson::Value(name, allocator), rapidjson::Value(), allocator);
  return object[name];
}

}  // namespace

void set_field(rapidjson::Value& object, const char* name, std::string_view text, json_allocator& allocator) {
  slot(object, name, allocator).SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

void set_field(rapidjson::Value& object, const char* name, std::int64_t number, json_allocator& allocator) {
  slot(object, name, allocator).SetInt64(number);
}

void set_bool(rapidjson::Value& object, const char* name, bool flag, json_allocator& allocator) {
  slot(object, name, allocator).SetBool(flag);
}

void set_null(rapidjson::Value& object, const char* name, json_allocator& allocator) {
  slot(object, name, allocator).SetNull();
}

void set_time(rapidjson::Value& object, const char* name, const std::optional<world_time>& at,
              json_allocator& allocator) {
  if (at) set_field(object, name, github_time(*at), allocator);
  else set_null(object, name, allocator);
}

std::string compact_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

void make_user(rapidjson::Value& object, const world_user& user, json_allocator& allocator) {
  if (!object.IsObject()) object.SetObject();
  set_field(object, "login", user.login, allocator);
  set_field(object, "id", user.id, allocator);
  set_field(object, "node_id", "U_" + std::to_string(user.id), allocator);
  set_field(object, "type", user.type, allocator);
  set_field(object, "url", "https://api.github.com/users/" + user.login, allocator);
  set_field(object, "html_url", "https://github.com/" + user.login, allocator);
}

void make_organization_owner(rapidjson::Value& object, const github_world& world, json_allocator& allocator) {
  make_user(object, {world.organization, world.organization_id, "Organization", world.organization, ""},
            allocator);
}

void make_repository(rapidjson::Value& object, const github_world& world,
                     const world_repository& repository, world_time at, json_allocator& allocator) {
  const auto state = state_at(repository, at);
  const auto full_name = world.full_name(repository);
  set_field(object, "id", repository.id, allocator);
  set_field(object, "node_id", "R_" + std::to_string(repository.id), allocator);
  set_field(object, "name", repository.name, allocator);
  set_field(object, "full_name", full_name, allocator);
  if (!object.HasMember("owner") || !object["owner"].IsObject())
    slot(object, "owner", allocator).SetObject();
  make_organization_owner(object["owner"], world, allocator);
  set_field(object, "url", "https://api.github.com/repos/" + full_name, allocator);
  set_field(object, "html_url", "https://github.com/" + full_name, allocator);
  set_field(object, "default_branch", repository.default_branch, allocator);
  set_time(object, "created_at", repository.created_at, allocator);
  set_time(object, "updated_at", state.updated_at, allocator);
  set_time(object, "pushed_at", state.pushed_at, allocator);
  set_field(object, "stargazers_count", state.stargazers_count, allocator);
  set_field(object, "watchers_count", state.stargazers_count, allocator);
  set_field(object, "watchers", state.stargazers_count, allocator);
  set_field(object, "forks_count", repository.forks_count, allocator);
  set_field(object, "forks", repository.forks_count, allocator);
  set_field(object, "open_issues_count", state.open_issues_count, allocator);
  set_field(object, "open_issues", state.open_issues_count, allocator);
  set_bool(object, "private", false, allocator);
  set_bool(object, "archived", false, allocator);
  set_bool(object, "fork", false, allocator);
}

void make_team(rapidjson::Value& object, const github_world& world, const world_team& team,
               json_allocator& allocator) {
  if (!object.IsObject()) object.SetObject();
  set_field(object, "id", team.id, allocator);
  set_field(object, "node_id", "T_" + std::to_string(team.id), allocator);
  set_field(object, "name", team.name, allocator);
  set_field(object, "slug", team.slug, allocator);
  set_field(object, "privacy", "closed", allocator);
  set_field(object, "permission", "pull", allocator);
  set_field(object, "url", "https://api.github.com/teams/" + std::to_string(team.id), allocator);
  set_field(object, "html_url", "https://github.com/orgs/" + world.organization + "/teams/" + team.slug,
            allocator);
  set_null(object, "parent", allocator);
}

}  // namespace tributary::testing
