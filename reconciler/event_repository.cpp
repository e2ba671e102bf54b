#include "reconciler/event_repository.hpp"

#include "core/bounded_json.hpp"

namespace tributary::reconciler {

const rapidjson::Value& event_repositories::of(const std::string& full_name) {
  if (const auto found = known_.find(full_name); found != known_.end()) return found->second;
  rapidjson::Document repository;
  {
    pqxx::nontransaction work(context_.database);
    const auto rows = work.exec_params(
        "SELECT jsonb_strip_nulls(jsonb_build_object('id', r.id, 'full_name', r.full_name, "
        "'name', r.name, 'owner', CASE WHEN r.owner_login IS NOT NULL AND r.owner_id IS NOT NULL "
        "THEN jsonb_build_object('login', r.owner_login, 'id', r.owner_id) END, 'updated_at', "
        "to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')))::text "
        "FROM github.repositories r WHERE r.full_name = $1 ORDER BY r.deleted, r.seen_at DESC "
        "LIMIT 1",
        full_name);
    if (!rows.empty() && !core::parse_bounded_json(repository, rows[0][0].c_str()).ok())
      throw std::runtime_error("github.repositories gave no JSON for " + full_name);
  }
  if (!repository.IsObject()) {
    api_request request = api_get("/repos/" + full_name);
    request.conditional = false;
    repository = github_client::parse_json(context_.client.send(request));
    if (!repository.IsObject() || !repository.HasMember("id"))
      throw api_error(0, "GET /repos/" + full_name + " is no repository");
  }
  return known_.emplace(full_name, std::move(repository)).first->second;
}

}  // namespace tributary::reconciler
