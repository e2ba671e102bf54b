#include "reconciler/teams.hpp"

#include "core/bounded_json.hpp"
#include "reconciler/rest_json.hpp"
#include "reconciler/watermark_walk.hpp"

namespace tributary::reconciler {
namespace {

using rapidjson::Value;

std::optional<std::int64_t> id_of(const Value& object) {
  const auto* id = member_of(object, "id");
  if (id == nullptr || !id->IsInt64()) return std::nullopt;
  return id->GetInt64();
}

std::optional<std::int64_t> parent_id(const Value& team) {
  const auto* parent = member_of(team, "parent");
  return parent ? id_of(*parent) : std::nullopt;
}

/// FNV-1a, 64 bits: the same text gives the same id on every machine and build.
std::string version_hash(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

/// "created" when github.teams lacks `team`, "edited" when it holds other values, "" when current.
std::string team_gap(pqxx::connection& database, const std::string& organization, const Value& team) {
  pqxx::nontransaction work(database);
  const auto rows = work.exec_params(
      "SELECT NOT deleted AND organization_login IS NOT DISTINCT FROM $2 "
      "AND slug IS NOT DISTINCT FROM $3 AND name IS NOT DISTINCT FROM $4 "
      "AND privacy IS NOT DISTINCT FROM $5 AND permission IS NOT DISTINCT FROM $6 "
      "AND parent_id IS NOT DISTINCT FROM $7 FROM github.teams WHERE id = $1",
      *id_of(team), organization, optional_string_of(team, "slug"), optional_string_of(team, "name"),
      optional_string_of(team, "privacy"), optional_string_of(team, "permission"), parent_id(team));
  if (rows.empty()) return "created";
  return rows[0][0].as<bool>() ? "" : "edited";
}

bool is_active_member(pqxx::connection& database, std::int64_t team_id, std::int64_t user_id) {
  pqxx::nontransaction work(database);
  return !work.exec_params("SELECT 1 FROM github.team_members WHERE team_id = $1 AND user_id = $2 "
                           "AND active", team_id, user_id).empty();
}

}  // namespace

synthetic_event team_event(const Value& organization, const Value& team, const std::string& action) {
  const auto id = id_of(team);
  if (!id) throw api_error(0, "a listed team lacks its id");
  const auto parent = parent_id(team);
  const auto version = version_hash(
      optional_string_of(team, "slug").value_or("") + '\n' + optional_string_of(team, "name").value_or("") +
      '\n' + optional_string_of(team, "privacy").value_or("") + '\n' +
      optional_string_of(team, "permission").value_or("") + '\n' +
      (parent ? std::to_string(*parent) : std::string()));
  synthetic_event message{"team", "reconciler:team:" + std::to_string(*id) + ":" + version,
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  message.payload.AddMember("action", Value(action.c_str(), allocator), allocator);
  message.payload.AddMember("team", Value(team, allocator), allocator);
  message.payload.AddMember("organization", Value(organization, allocator), allocator);
  return message;
}

synthetic_event membership_event(const Value& organization, const Value& team, const Value& member) {
  const auto team_id = id_of(team);
  const auto user_id = id_of(member);
  if (!team_id || !user_id) throw api_error(0, "a team or member lacks its id");
  synthetic_event message{"membership",
                          "reconciler:membership:" + std::to_string(*team_id) + ":" +
                              std::to_string(*user_id) + ":added",
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  message.payload.AddMember("action", "added", allocator);
  message.payload.AddMember("scope", "team", allocator);
  message.payload.AddMember("member", Value(member, allocator), allocator);
  message.payload.AddMember("team", Value(team, allocator), allocator);
  message.payload.AddMember("organization", Value(organization, allocator), allocator);
  return message;
}

void reconcile_teams(target_context& context, const Value& organization) {
  const auto& login = context.target.owner;
  // The teams of the listing, as compact JSON lines (kept for the runs its 304 answers).
  std::string listed;
  const bool changed = walk_to_watermark(
      context, "teams:" + login, "/orgs/" + login + "/teams", whole_list, [&](const page_items& items, bool) {
        for (const auto* team : items) {
          if (!id_of(*team) || optional_string_of(*team, "slug").value_or("").empty()) continue;
          if (!listed.empty()) listed += '\n';
          listed += to_json(*team);
          const auto action = team_gap(context.database, login, *team);
          if (action.empty()) continue;
          record_gap(context.record, login, "teams");
          context.publisher.publish(team_event(organization, *team, action));
        }
      });
  if (changed) save_watermark(context.database, context.target.text(), "team_list:" + login, listed);
  else listed = find_watermark(context.database, context.target.text(), "team_list:" + login).value_or("");

  std::string_view rest = listed;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    rapidjson::Document team;
    if (!core::parse_bounded_json(team, std::string(rest.substr(0, end))).ok())
      throw std::runtime_error("github.reconcile_watermarks holds a team that is no JSON");
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    const auto slug = *optional_string_of(team, "slug");
    const auto team_id = *id_of(team);
    walk_to_watermark(context, "team_members:" + login + "/" + slug,
                      "/orgs/" + login + "/teams/" + slug + "/members", whole_list,
                      [&](const page_items& items, bool) {
                        for (const auto* member : items) {
                          const auto user_id = id_of(*member);
                          if (!user_id || is_active_member(context.database, team_id, *user_id)) continue;
                          record_gap(context.record, login, "teams");
                          context.publisher.publish(membership_event(organization, team, *member));
                        }
                      });
  }
}

}  // namespace tributary::reconciler
