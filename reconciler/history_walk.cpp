#include "reconciler/history_walk.hpp"

#include "core/bounded_json.hpp"

#include <set>

namespace tributary::reconciler {
namespace {

constexpr std::string_view pending_prefix = "pending ";

}  // namespace

const rapidjson::Value* member_of(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  const auto found = object.FindMember(key);
  return found == object.MemberEnd() || found->value.IsNull() ? nullptr : &found->value;
}

std::string string_of(const rapidjson::Value& object, const char* key) {
  const auto* value = member_of(object, key);
  return value != nullptr && value->IsString() ? value->GetString() : "";
}

known_repository resolve_repository(target_context& context, const std::string& full_name) {
  known_repository repository;
  repository.full_name = full_name;
  {
    pqxx::nontransaction work(context.database);
    const auto rows = work.exec_params(
        "SELECT id, jsonb_strip_nulls(jsonb_build_object('id', id, 'full_name', full_name, 'name', "
        "name, 'owner', CASE WHEN owner_login IS NOT NULL AND owner_id IS NOT NULL THEN "
        "jsonb_build_object('login', owner_login, 'id', owner_id) END))::text "
        "FROM github.repositories WHERE full_name = $1 AND NOT deleted ORDER BY id LIMIT 1",
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

bool walk_to_watermark(target_context& context, const std::string& target, const std::string& resource,
                       const std::function<std::string(const rapidjson::Value&)>& key_of,
                       const std::function<void(const page_items&)>& on_page,
                       const std::string& accept) {
  const auto saved = find_watermark(context.database, context.target.text(), resource);
  const bool pending = saved && saved->starts_with(pending_prefix);
  const auto mark = !saved ? std::string() : pending ? saved->substr(pending_prefix.size()) : *saved;

  std::optional<std::string> next = with_page_size(target);
  std::set<std::string> seen;  // a Link that loops back would otherwise walk for ever
  std::optional<std::string> newest;
  bool first = true;
  bool reached = false;
  while (next && !reached) {
    if (!seen.insert(*next).second) throw api_error(0, "the Link header leads back to a page already read");
    auto request = api_get(*next, accept);
    request.conditional = first && !pending;
    const auto response = context.client.send(request);
    if (response.not_modified) return false;  // only the first page is asked conditionally
    const auto body = github_client::parse_json(response);
    if (!body.IsArray()) throw api_error(0, "GET " + target + " did not answer a list");
    if (first && !pending)
      save_watermark(context.database, context.target.text(), resource,
                     std::string(pending_prefix) + mark);
    page_items items;
    for (const auto& item : body.GetArray()) {
      if (!item.IsObject()) continue;
      if (key_of) {
        const auto key = key_of(item);
        if (!newest) newest = key;
        if (!mark.empty() && key == mark) {
          reached = true;
          break;
        }
      }
      items.push_back(&item);
    }
    if (!items.empty()) on_page(items);
    first = false;
    next = response.next_link;
  }
  save_watermark(context.database, context.target.text(), resource, newest.value_or(mark));
  return true;
}

}  // namespace tributary::reconciler
