#include "reconciler/event_repository.hpp"

#include "core/bounded_json.hpp"
#include "reconciler/rest_json.hpp"

namespace tributary::reconciler {

const known_repository& event_repositories::of(target_context& context, const std::string& full_name) {
  if (const auto found = known_.find(full_name); found != known_.end()) return found->second;
  return known_.emplace(full_name, look_up(context, full_name)).first->second;
}

known_repository event_repositories::look_up(target_context& context, const std::string& full_name) {
  known_repository repository;
  repository.full_name = full_name;
  {
    pqxx::nontransaction work(context.database);
    const auto rows = work.exec_params(
        "SELECT id, jsonb_strip_nulls(jsonb_build_object('id', id, 'full_name', full_name, 'name', "
        "name, 'owner', CASE WHEN owner_login IS NOT NULL AND owner_id IS NOT NULL THEN "
        "jsonb_build_object('login', owner_login, 'id', owner_id) END))::text "
        "FROM github.repositories WHERE full_name = $1 AND NOT deleted ORDER BY seen_at DESC, id "
        "LIMIT 1",
        full_name);
    if (!rows.empty()) {
      repository.id = rows[0][0].as<std::int64_t>();
      if (!core::parse_bounded_json(repository.object, rows[0][1].as<std::string>()).ok())
        throw std::runtime_error("github.repositories gave no JSON for " + full_name);
      return repository;
    }
  }
  auto request = api_get("/repos/" + full_name);
  request.conditional = false;
  const auto rest = github_client::parse_json(context.client.send(request));
  const auto* id = member_of(rest, "id");
  if (id == nullptr || !id->IsInt64()) throw api_error(0, "GET /repos/" + full_name + " is no repository");
  repository.id = id->GetInt64();
  repository.object.SetObject();
  auto& allocator = repository.object.GetAllocator();
  repository.object.AddMember("id", repository.id, allocator);
  repository.object.AddMember("full_name", rapidjson::Value(full_name.c_str(), allocator), allocator);
  repository.object.AddMember("name", rapidjson::Value(string_of(rest, "name").c_str(), allocator), allocator);
  if (const auto* owner = member_of(rest, "owner"); owner && member_of(*owner, "id") &&
                                                    (*owner)["id"].IsInt64() &&
                                                    !string_of(*owner, "login").empty()) {
    rapidjson::Value abridged(rapidjson::kObjectType);
    abridged.AddMember("login", rapidjson::Value(string_of(*owner, "login").c_str(), allocator), allocator);
    abridged.AddMember("id", (*owner)["id"].GetInt64(), allocator);
    repository.object.AddMember("owner", abridged, allocator);
  }
  return repository;
}

}  // namespace tributary::reconciler
