#include "reconciler/repository_deletions.hpp"

#include <algorithm>

namespace tributary::reconciler {
namespace {

std::optional<stored_repository> find_known(pqxx::connection& database, const std::string& full_name) {
  pqxx::nontransaction work(database);
  const auto rows = work.exec_params(
      "SELECT id, full_name, name, owner_login, owner_id FROM github.repositories "
      "WHERE lower(full_name) = lower($1) AND NOT deleted ORDER BY id LIMIT 1",
      full_name);
  if (rows.empty()) return std::nullopt;
  stored_repository repository{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>(),
                              rows[0][2].as<std::string>(), std::nullopt, std::nullopt};
  if (!rows[0][3].is_null()) repository.owner_login = rows[0][3].as<std::string>();
  if (!rows[0][4].is_null()) repository.owner_id = rows[0][4].as<std::int64_t>();
  return repository;
}

}  // namespace

synthetic_event repository_deleted_event(const stored_repository& repository) {
  synthetic_event message{"repository", "reconciler:repository-deleted:" + std::to_string(repository.id),
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  rapidjson::Value object(rapidjson::kObjectType);
  object.AddMember("id", repository.id, allocator);
  object.AddMember("name", rapidjson::Value(repository.name.c_str(), allocator), allocator);
  object.AddMember("full_name", rapidjson::Value(repository.full_name.c_str(), allocator), allocator);
  if (repository.owner_login && repository.owner_id) {
    rapidjson::Value owner(rapidjson::kObjectType);
    owner.AddMember("login", rapidjson::Value(repository.owner_login->c_str(), allocator), allocator);
    owner.AddMember("id", *repository.owner_id, allocator);
    object.AddMember("owner", owner, allocator);
  }
  message.payload.AddMember("action", "deleted", allocator);
  message.payload.AddMember("repository", object, allocator);
  return message;
}

std::set<std::string> listed_before(target_context& context) {
  std::set<std::string> names;
  pqxx::nontransaction work(context.database);
  for (const auto& row : work.exec_params(
           "SELECT watermark FROM github.reconcile_watermarks WHERE target = $1 AND resource LIKE "
           "'repository\\_list:%'",
           context.target.text())) {
    std::string_view rest = row[0].c_str();
    while (!rest.empty()) {
      const auto end = rest.find('\n');
      names.emplace(rest.substr(0, end));
      rest = end == std::string_view::npos ? "" : rest.substr(end + 1);
    }
  }
  return names;
}

void report_deleted_repositories(target_context& context, const std::set<std::string>& before,
                                 const std::vector<std::string>& now) {
  for (const auto& full_name : before) {
    if (std::find(now.begin(), now.end(), full_name) != now.end()) continue;
    const auto known = find_known(context.database, full_name);
    if (!known) continue;  // never folded, or already marked deleted
    auto request = api_get("/repos/" + full_name);
    request.conditional = false;
    try {
      context.client.send(request);
      continue;  // still there (made internal, renamed or transferred: followed): not deleted
    } catch (const api_error& error) {
      if (error.status != 404) throw;
    }
    record_gap(context.record, known->full_name, "repository");
    context.publisher.publish(repository_deleted_event(*known));
    context.log.info("repository deleted on GitHub: reported to the worker",
                     {{"repository", known->full_name}, {"id", known->id}});
  }
}

}  // namespace tributary::reconciler
