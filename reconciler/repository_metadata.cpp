#include "reconciler/repository_metadata.hpp"

#include "reconciler/repository_deletions.hpp"

#include <rapidjson/writer.h>

namespace tributary::reconciler {
namespace {

std::string text_of(const rapidjson::Value& object, const char* key) {
  const auto member = object.FindMember(key);
  if (member == object.MemberEnd() || member->value.IsNull()) return "";
  if (member->value.IsString()) return member->value.GetString();
  if (member->value.IsBool()) return member->value.GetBool() ? "true" : "false";
  if (member->value.IsInt64()) return std::to_string(member->value.GetInt64());
  return to_json(member->value);
}

/// Whether github.repositories already holds what `repository` says.
bool is_current(pqxx::connection& database, const rapidjson::Value& repository) {
  pqxx::nontransaction work(database);
  const auto rows = work.exec_params(
      "SELECT coalesce(stargazers_count::text, ''), coalesce(forks_count::text, ''), "
      "coalesce(open_issues_count::text, ''), coalesce(default_branch, ''), "
      "coalesce(archived::text, ''), "
      "coalesce(to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
      "full_name FROM github.repositories WHERE id = $1 AND NOT deleted",
      repository["id"].GetInt64());
  if (rows.empty()) return false;
  const auto& row = rows[0];
  return row[0].as<std::string>() == text_of(repository, "stargazers_count") &&
         row[1].as<std::string>() == text_of(repository, "forks_count") &&
         row[2].as<std::string>() == text_of(repository, "open_issues_count") &&
         row[3].as<std::string>() == text_of(repository, "default_branch") &&
         row[4].as<std::string>() == text_of(repository, "archived") &&
         row[5].as<std::string>() == text_of(repository, "updated_at") &&
         row[6].as<std::string>() == text_of(repository, "full_name");
}

bool is_repository(const rapidjson::Value& value) {
  return value.IsObject() && value.HasMember("id") && value["id"].IsInt64() &&
         value.HasMember("full_name") && value["full_name"].IsString();
}

/// The full names of an organisation's repositories. Each page's names are kept in
/// github.reconcile_watermarks ("repository_list:<page>"), since a 304 repeats no body.
std::vector<std::string> list_organization(target_context& context) {
  std::vector<std::string> names;
  int page = 0;
  context.client.walk_pages(
      "/orgs/" + context.target.owner + "/repos?type=all",
      [&](const api_response&, const rapidjson::Document* body) {
        const auto resource = "repository_list:" + std::to_string(++page);
        if (body == nullptr) {
          const auto kept =
              find_watermark(context.database, context.target.text(), resource).value_or("");
          std::string_view rest = kept;
          while (!rest.empty()) {
            const auto end = rest.find('\n');
            names.emplace_back(rest.substr(0, end));
            rest = end == std::string_view::npos ? "" : rest.substr(end + 1);
          }
          return;
        }
        if (!body->IsArray()) throw api_error(0, "GET /orgs/{org}/repos did not answer a list");
        std::string kept;
        for (const auto& repository : body->GetArray()) {
          if (!is_repository(repository)) continue;
          names.emplace_back(repository["full_name"].GetString());
          if (!kept.empty()) kept += '\n';
          kept += names.back();
        }
        save_watermark(context.database, context.target.text(), resource, kept);
      });
  return names;
}

}  // namespace

synthetic_event repository_event(const rapidjson::Value& repository) {
  synthetic_event message{"repository",
                          "reconciler:repository:" + text_of(repository, "id") + ":" +
                              text_of(repository, "updated_at") + ":" +
                              text_of(repository, "stargazers_count") + ":" +
                              text_of(repository, "forks_count") + ":" +
                              text_of(repository, "open_issues_count"),
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  message.payload.AddMember("action", "edited", allocator);
  message.payload.AddMember("repository", rapidjson::Value(repository, allocator), allocator);
  const auto organization = repository.FindMember("organization");
  if (organization != repository.MemberEnd() && organization->value.IsObject())
    message.payload.AddMember("organization", rapidjson::Value(organization->value, allocator),
                              allocator);
  return message;
}

std::vector<std::string> reconcile_repositories(target_context& context) {
  const auto before = context.target.is_organization() ? listed_before(context) : std::set<std::string>{};
  const auto names = context.target.is_organization()
                         ? list_organization(context)
                         : std::vector<std::string>{context.target.text()};
  context.record.gaps.try_emplace("repository", 0);
  for (const auto& full_name : names) {
    api_response response;
    try {
      response = context.client.send(api_get("/repos/" + full_name));
    } catch (const api_error& error) {
      // Deleted or made invisible between the listing and this read: the other repositories
      // still count. A repository target of its own that answers 404 fails its run instead.
      if (error.status != 404 || !context.target.is_organization()) throw;
      context.log.warning("repository listed but not found", {{"repository", full_name}});
      continue;
    }
    if (response.not_modified) continue;
    const auto repository = github_client::parse_json(response);
    if (!is_repository(repository)) throw api_error(0, "GET /repos/" + full_name + " is no repository");
    if (is_current(context.database, repository)) continue;
    record_gap(context.record, full_name, "repository");
    context.publisher.publish(repository_event(repository));
    context.log.debug("repository gap", {{"repository", full_name}});
  }
  if (context.target.is_organization()) report_deleted_repositories(context, before, names);
  return names;
}

}  // namespace tributary::reconciler
