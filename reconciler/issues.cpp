#include "reconciler/issues.hpp"

#include "reconciler/event_repository.hpp"
#include "reconciler/rest_json.hpp"
#include "reconciler/watermark_walk.hpp"

#include <algorithm>
#include <optional>

namespace tributary::reconciler {
namespace {

using rapidjson::Value;

bool is_issue(const Value& value) {
  return value.IsObject() && value.HasMember("id") && value["id"].IsInt64() &&
         value.HasMember("number") && value["number"].IsInt64() && value.HasMember("updated_at");
}

bool lists_a_pull_request(const Value& issue) {
  const auto found = issue.FindMember("pull_request");
  return found != issue.MemberEnd() && !found->value.IsNull();
}

/// The assignees' logins of REST issue `issue`, sorted, joined by ','.
std::string assignee_logins(const Value& issue) {
  std::vector<std::string> logins;
  const auto found = issue.FindMember("assignees");
  if (found != issue.MemberEnd() && found->value.IsArray()) {
    for (const auto& assignee : found->value.GetArray())
      if (const auto login = text_of_member(assignee, "login"); !login.empty()) logins.push_back(login);
  } else if (const auto login = login_of_member(issue, "assignee"); !login.empty()) {
    logins.push_back(login);
  }
  std::sort(logins.begin(), logins.end());
  logins.erase(std::unique(logins.begin(), logins.end()), logins.end());
  std::string joined;
  for (const auto& login : logins) joined += (joined.empty() ? "" : ",") + login;
  return joined;
}

/// What github.issues, github.issue_assignees and github.issue_closings hold of the issue:
/// nothing when the issue is unknown, else whether they say what `issue` says.
std::optional<bool> stored_matches(pqxx::connection& database, const Value& issue) {
  pqxx::nontransaction work(database);
  const auto rows = work.exec_params(
      "SELECT i.number::text, coalesce(i.title, ''), coalesce(i.author_login, ''), i.state, "
      "coalesce(i.state_reason, ''), "
      "to_char(i.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "coalesce(to_char(i.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
      "coalesce((SELECT string_agg(a.login, ',' ORDER BY a.login COLLATE \"C\") "
      "          FROM github.issue_assignees a WHERE a.issue_id = i.id), ''), "
      "i.closed_at IS NULL OR EXISTS (SELECT 1 FROM github.issue_closings c "
      "                               WHERE c.issue_id = i.id AND c.closed_at = i.closed_at) "
      "FROM github.issues i WHERE i.id = $1",
      issue["id"].GetInt64());
  if (rows.empty()) return std::nullopt;
  const auto& row = rows[0];
  return row[0].as<std::string>() == text_of_member(issue, "number") &&
         row[1].as<std::string>() == text_of_member(issue, "title") &&
         row[2].as<std::string>() == login_of_member(issue, "user") &&
         row[3].as<std::string>() == text_of_member(issue, "state") &&
         row[4].as<std::string>() == text_of_member(issue, "state_reason") &&
         row[5].as<std::string>() == text_of_member(issue, "updated_at") &&
         row[6].as<std::string>() == text_of_member(issue, "closed_at") &&
         row[7].as<std::string>() == assignee_logins(issue) && row[8].as<bool>();
}

}  // namespace

std::string issue_action(const Value& issue, bool known) {
  if (text_of_member(issue, "state") == "closed") return "closed";
  return known ? "edited" : "opened";
}

synthetic_event issue_event(const Value& repository, const Value& issue, bool known) {
  synthetic_event message{"issues",
                          "reconciler:issue:" + text_of_member(issue, "id") + ":" +
                              text_of_member(issue, "updated_at"),
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  message.payload.AddMember("action", Value(issue_action(issue, known).c_str(), allocator), allocator);
  message.payload.AddMember("issue", Value(issue, allocator), allocator);
  message.payload.AddMember("repository", Value(repository, allocator), allocator);
  return message;
}

void reconcile_issues(target_context& context, const std::vector<std::string>& repositories) {
  context.record.gaps.try_emplace("issues", 0);
  for (const auto& full_name : repositories) {
    walk_to_watermark(
        context, "issues:" + full_name,
        "/repos/" + full_name + "/issues?state=all&sort=updated&direction=desc", newest_updated_first(),
        [&](const page_items& items, bool) {
          for (const auto* issue : items) {
            if (!is_issue(*issue)) throw api_error(0, "GET /repos/" + full_name + "/issues listed no issue");
            if (lists_a_pull_request(*issue)) continue;
            const auto stored = stored_matches(context.database, *issue);
            if (stored.value_or(false)) continue;
            record_gap(context.record, full_name, "issues");
            context.publisher.publish(
                issue_event(context.repositories.of(context, full_name).object, *issue, stored.has_value()));
            context.log.debug("issue gap", {{"repository", full_name},
                                            {"number", (*issue)["number"].GetInt64()}});
          }
        });
  }
}

}  // namespace tributary::reconciler
