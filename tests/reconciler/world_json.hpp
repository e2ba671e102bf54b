#pragma once

#include "tests/reconciler/github_world.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::testing {

using json_allocator = rapidjson::Document::AllocatorType;

/// Sets member `name` of `object` (added when absent), as the world's renderers need it.
void set_field(rapidjson::Value& object, const char* name, std::string_view text, json_allocator& allocator);
void set_field(rapidjson::Value& object, const char* name, std::int64_t number, json_allocator& allocator);
void set_bool(rapidjson::Value& object, const char* name, bool flag, json_allocator& allocator);
void set_null(rapidjson::Value& object, const char* name, json_allocator& allocator);
/// A time as GitHub writes it, or null for none.
void set_time(rapidjson::Value& object, const char* name, const std::optional<world_time>& at,
              json_allocator& allocator);

/// `value` as compact JSON.
std::string compact_json(const rapidjson::Value& value);

/// Makes a user object of GitHub's (REST's simple-user, or a webhook's user) into `user`:
/// login, id, node_id, type, url, html_url.
void make_user(rapidjson::Value& object, const world_user& user, json_allocator& allocator);

/// The world's organisation as a user object (a repository's owner).
void make_organization_owner(rapidjson::Value& object, const github_world& world, json_allocator& allocator);

/// Makes a repository object of GitHub's (REST's or a webhook's: the shapes agree on these
/// fields) into `repository` as it was at `at` (state_at): id, name, full_name, owner, urls,
/// default_branch, created_at, updated_at, pushed_at, stargazers_count, watchers_count,
/// forks_count, open_issues_count, private, archived.
void make_repository(rapidjson::Value& object, const github_world& world,
                     const world_repository& repository, world_time at, json_allocator& allocator);

/// Makes a team object of GitHub's (REST's team or a webhook's: the shapes agree on these fields)
/// into `team`: id, node_id, name, slug, urls, privacy "closed", permission "pull", parent null
/// (world_team holds neither privacy nor permission: both renderings use these).
void make_team(rapidjson::Value& object, const github_world& world, const world_team& team,
               json_allocator& allocator);

}  // namespace tributary::testing
