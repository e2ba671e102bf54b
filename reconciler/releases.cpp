#include "reconciler/releases.hpp"

#include "reconciler/rest_json.hpp"
#include "reconciler/watermark_walk.hpp"

namespace tributary::reconciler {
namespace {

using rapidjson::Value;

std::optional<bool> optional_flag(const Value& object, const char* key) {
  const auto* value = member_of(object, key);
  if (value == nullptr || !value->IsBool()) return std::nullopt;
  return value->GetBool();
}

/// Whether github.releases holds `release` as REST reports it.
bool is_current(pqxx::connection& database, const Value& release) {
  const auto* author = member_of(release, "author");
  pqxx::nontransaction work(database);
  const auto rows = work.exec_params(
      "SELECT 1 FROM github.releases WHERE id = $1 AND NOT deleted AND tag_name = $2 "
      "AND name IS NOT DISTINCT FROM $3 AND draft IS NOT DISTINCT FROM $4 "
      "AND prerelease IS NOT DISTINCT FROM $5 AND author_login IS NOT DISTINCT FROM $6 "
      "AND created_at IS NOT DISTINCT FROM $7::timestamptz "
      "AND published_at IS NOT DISTINCT FROM $8::timestamptz",
      release["id"].GetInt64(), string_of(release, "tag_name"), optional_string_of(release, "name"),
      optional_flag(release, "draft"), optional_flag(release, "prerelease"),
      author ? optional_string_of(*author, "login") : std::nullopt, optional_string_of(release, "created_at"),
      optional_string_of(release, "published_at"));
  return !rows.empty();
}

}  // namespace

synthetic_event release_event(const Value& repository, const Value& release) {
  const auto* id = member_of(release, "id");
  if (id == nullptr || !id->IsInt64() || string_of(release, "tag_name").empty())
    throw api_error(0, "a listed release lacks its id or tag_name");
  auto version = string_of(release, "updated_at");
  if (version.empty()) version = string_of(release, "published_at");
  if (version.empty()) version = string_of(release, "created_at");
  synthetic_event message{"release",
                          "reconciler:release:" + std::to_string(id->GetInt64()) + ":" + version,
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  const bool published = member_of(release, "published_at") != nullptr &&
                         !optional_flag(release, "draft").value_or(false);
  message.payload.AddMember("action", rapidjson::StringRef(published ? "published" : "created"), allocator);
  message.payload.AddMember("release", Value(release, allocator), allocator);
  message.payload.AddMember("repository", Value(repository, allocator), allocator);
  if (const auto* author = member_of(release, "author"); author && author->IsObject())
    message.payload.AddMember("sender", Value(*author, allocator), allocator);
  return message;
}

void reconcile_releases(target_context& context, const known_repository& repository) {
  walk_to_watermark(
      context, "releases:" + repository.full_name, "/repos/" + repository.full_name + "/releases",
      newest_first_by_key([](const Value& item) { return text_of_member(item, "id"); }),
      [&](const page_items& items, bool) {
        for (const auto* item : items) {
          const auto* id = member_of(*item, "id");
          if (id == nullptr || !id->IsInt64() || is_current(context.database, *item)) continue;
          record_gap(context.record, repository.full_name, "releases");
          context.publisher.publish(release_event(repository.object, *item));
        }
      });
}

}  // namespace tributary::reconciler
