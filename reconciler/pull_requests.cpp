#include "reconciler/pull_requests.hpp"

#include "reconciler/event_repository.hpp"
#include "reconciler/pull_request_reviews.hpp"
#include "reconciler/rest_json.hpp"
#include "reconciler/watermark_walk.hpp"

namespace tributary::reconciler {
namespace {

using rapidjson::Value;

constexpr const char* time_text = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

bool is_pull_request(const Value& value) {
  return value.IsObject() && value.HasMember("id") && value["id"].IsInt64() &&
         value.HasMember("number") && value["number"].IsInt64() && value.HasMember("updated_at");
}

/// Whether github.pull_requests holds what the listed `pull_request` says, its sizes included.
bool is_current(pqxx::connection& database, const Value& pull_request) {
  pqxx::nontransaction work(database);
  const std::string utc = " AT TIME ZONE 'UTC', ";
  const auto rows = work.exec_params(
      "SELECT number::text, coalesce(title, ''), coalesce(author_login, ''), state, "
      "to_char(updated_at" + utc + time_text + "), coalesce(to_char(closed_at" + utc + time_text +
          "), ''), coalesce(to_char(merged_at" + utc + time_text + "), ''), additions IS NOT NULL "
      "FROM github.pull_requests WHERE id = $1",
      pull_request["id"].GetInt64());
  if (rows.empty()) return false;
  const auto& row = rows[0];
  return row[0].as<std::string>() == text_of_member(pull_request, "number") &&
         row[1].as<std::string>() == text_of_member(pull_request, "title") &&
         row[2].as<std::string>() == login_of_member(pull_request, "user") &&
         row[3].as<std::string>() == text_of_member(pull_request, "state") &&
         row[4].as<std::string>() == text_of_member(pull_request, "updated_at") &&
         row[5].as<std::string>() == text_of_member(pull_request, "closed_at") &&
         row[6].as<std::string>() == text_of_member(pull_request, "merged_at") &&
         row[7].as<bool>();
}

/// GET …/pulls/{number}: conditionally, and again unconditionally after a 304 (the pull request
/// was read and published before, but the worker does not hold it yet: its body is needed).
rapidjson::Document read_pull_request(target_context& context, const std::string& path) {
  auto response = context.client.send(api_get(path));
  if (response.not_modified) {
    api_request request = api_get(path);
    request.conditional = false;
    response = context.client.send(request);
  }
  auto pull_request = github_client::parse_json(response);
  if (!is_pull_request(pull_request)) throw api_error(0, "GET " + path + " is no pull request");
  return pull_request;
}

}  // namespace

synthetic_event pull_request_event(const Value& repository, const Value& pull_request) {
  synthetic_event message{"pull_request",
                          "reconciler:pull_request:" + text_of_member(pull_request, "id") + ":" +
                              text_of_member(pull_request, "updated_at"),
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  const bool closed = text_of_member(pull_request, "state") == "closed";
  message.payload.AddMember("action", Value(closed ? "closed" : "opened", allocator), allocator);
  message.payload.AddMember("number", Value(pull_request["number"], allocator), allocator);
  message.payload.AddMember("pull_request", Value(pull_request, allocator), allocator);
  message.payload.AddMember("repository", Value(repository, allocator), allocator);
  return message;
}

void reconcile_pull_requests(target_context& context, const std::vector<std::string>& repositories) {
  context.record.gaps.try_emplace("pull_requests", 0);
  context.record.gaps.try_emplace("reviews", 0);
  for (const auto& full_name : repositories) {
    walk_to_watermark(
        context, "pulls:" + full_name,
        "/repos/" + full_name + "/pulls?state=all&sort=updated&direction=desc", newest_updated_first(),
        [&](const page_items& items, bool afresh) {
          const auto& repository = context.repositories.of(context, full_name).object;
          for (const auto* listed : items) {
            if (!is_pull_request(*listed))
              throw api_error(0, "GET /repos/" + full_name + "/pulls listed no pull request");
            if (!is_current(context.database, *listed)) {
              const auto pull_request = read_pull_request(
                  context, "/repos/" + full_name + "/pulls/" + text_of_member(*listed, "number"));
              record_gap(context.record, full_name, "pull_requests");
              context.publisher.publish(pull_request_event(repository, pull_request));
              context.log.debug("pull request gap", {{"repository", full_name},
                                                     {"number", (*listed)["number"].GetInt64()}});
            }
            reconcile_reviews(context, full_name, repository, *listed, afresh);
          }
        });
  }
}

}  // namespace tributary::reconciler
