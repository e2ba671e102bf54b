#include "reconciler/default_branch_commits.hpp"

#include "reconciler/rest_json.hpp"
#include "reconciler/watermark_walk.hpp"

#include <set>

namespace tributary::reconciler {

using rapidjson::Value;

synthetic_event push_of_one_commit(const Value& repository, const Value& commit, const std::string& kind) {
  const auto sha = string_of(commit, "sha");
  const auto* detail = member_of(commit, "commit");
  const auto* author = detail ? member_of(*detail, "author") : nullptr;
  if (sha.empty() || author == nullptr || string_of(*author, "date").empty())
    throw api_error(0, "a commit lacks its sha, author or date");

  synthetic_event message{"push",
                          "reconciler:" + kind + ":" + std::to_string(repository["id"].GetInt64()) + ":" + sha,
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  Value pushed(rapidjson::kObjectType);
  pushed.AddMember("id", Value(sha.c_str(), allocator), allocator);
  pushed.AddMember("timestamp", Value(string_of(*author, "date").c_str(), allocator), allocator);
  if (const auto* text = member_of(*detail, "message"); text && text->IsString())
    pushed.AddMember("message", Value(*text, allocator), allocator);
  Value person(rapidjson::kObjectType);
  for (const char* key : {"name", "email"})
    if (const auto* value = member_of(*author, key); value && value->IsString())
      person.AddMember(rapidjson::StringRef(key), Value(*value, allocator), allocator);
  // The GitHub account REST matched to the author's email, as a webhook's `username`.
  if (const auto* account = member_of(commit, "author"))
    if (const auto login = string_of(*account, "login"); !login.empty())
      person.AddMember("username", Value(login.c_str(), allocator), allocator);
  pushed.AddMember("author", person, allocator);
  Value commits(rapidjson::kArrayType);
  commits.PushBack(pushed, allocator);
  message.payload.AddMember("repository", Value(repository, allocator), allocator);
  message.payload.AddMember("commits", commits, allocator);
  return message;
}

synthetic_event default_branch_commit_event(const Value& repository, const Value& commit) {
  return push_of_one_commit(repository, commit, "push");
}

void reconcile_default_branch_commits(target_context& context, const known_repository& repository) {
  walk_to_watermark(
      context, "commits:" + repository.full_name, "/repos/" + repository.full_name + "/commits",
      newest_first_by_key([](const Value& item) { return string_of(item, "sha"); }),
      [&](const page_items& items, bool) {
        std::string shas = "{";
        for (const auto* item : items) {
          if (shas.size() > 1) shas += ',';
          shas += string_of(*item, "sha");  // hexadecimal: nothing to quote
        }
        shas += '}';
        std::set<std::string> known;
        {
          pqxx::nontransaction work(context.database);
          for (const auto& row : work.exec_params(
                   "SELECT sha FROM github.commits WHERE repository_id = $1 AND sha = ANY($2::text[])",
                   repository.id, shas))
            known.insert(row[0].as<std::string>());
        }
        for (const auto* item : items) {
          if (known.contains(string_of(*item, "sha"))) continue;
          record_gap(context.record, repository.full_name, "commits");
          context.publisher.publish(default_branch_commit_event(repository.object, *item));
        }
      });
}

}  // namespace tributary::reconciler
