#include "reconciler/pull_request_reviews.hpp"

#include "reconciler/rest_json.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace tributary::reconciler {
namespace {

using rapidjson::Value;

std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// github.pull_request_reviews of one pull request: id → "state submitted_at".
std::map<std::int64_t, std::string> stored_reviews(pqxx::connection& database, std::int64_t pull_request_id) {
  pqxx::nontransaction work(database);
  std::map<std::int64_t, std::string> stored;
  for (const auto& row : work.exec_params(
           "SELECT id, state || ' ' || coalesce(to_char(submitted_at AT TIME ZONE 'UTC', "
           "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') FROM github.pull_request_reviews "
           "WHERE pull_request_id = $1",
           pull_request_id))
    stored.emplace(row[0].as<std::int64_t>(), row[1].as<std::string>());
  return stored;
}

}  // namespace

synthetic_event review_event(const Value& repository, const Value& pull_request, const Value& review) {
  const auto state = lower_case(text_of_member(review, "state"));
  synthetic_event message{"pull_request_review",
                          "reconciler:pull_request_review:" + text_of_member(review, "id") + ":" +
                              state + ":" + text_of_member(review, "submitted_at"),
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  message.payload.AddMember("action", Value(state == "dismissed" ? "dismissed" : "submitted", allocator),
                            allocator);
  Value shaped(review, allocator);
  shaped["state"].SetString(state.c_str(), static_cast<rapidjson::SizeType>(state.size()), allocator);
  message.payload.AddMember("review", shaped, allocator);
  message.payload.AddMember("pull_request", Value(pull_request, allocator), allocator);
  message.payload.AddMember("repository", Value(repository, allocator), allocator);
  return message;
}

void reconcile_reviews(target_context& context, const std::string& full_name,
                       const Value& repository, const Value& pull_request, bool afresh) {
  const auto path = "/repos/" + full_name + "/pulls/" + text_of_member(pull_request, "number") + "/reviews";
  std::map<std::int64_t, std::string> stored;
  bool stored_read = false;
  context.client.walk_pages_while(path, [&](const api_response&, const rapidjson::Document* body) {
    // A page unchanged since its reviews were compared; the next may not be (oldest first).
    if (body == nullptr) return true;
    if (!body->IsArray()) throw api_error(0, "GET " + path + " did not answer a list");
    if (!stored_read) {
      stored = stored_reviews(context.database, pull_request["id"].GetInt64());
      stored_read = true;
    }
    for (const auto& review : body->GetArray()) {
      if (!review.IsObject() || !review.HasMember("id") || !review["id"].IsInt64() ||
          !review.HasMember("state") || !review["state"].IsString())
        throw api_error(0, "GET " + path + " listed no review");
      const auto state = lower_case(review["state"].GetString());
      if (state == "pending") continue;
      const auto found = stored.find(review["id"].GetInt64());
      if (found != stored.end() && found->second == state + " " + text_of_member(review, "submitted_at"))
        continue;
      record_gap(context.record, full_name, "reviews");
      context.publisher.publish(review_event(repository, pull_request, review));
    }
    return true;
  }, github_json, !afresh);
}

}  // namespace tributary::reconciler
