#include "reconciler/stargazers.hpp"

#include "reconciler/rest_json.hpp"
#include "reconciler/watermark_walk.hpp"

#include <charconv>
#include <set>

namespace tributary::reconciler {
namespace {

using rapidjson::Value;

constexpr int page_size = 100;

/// Where the last walk ended: its last page and how many stars that page held, kept as the
/// watermark "<page> <count>".
struct last_page {
  int page = 1;
  int count = 0;
};

last_page parse_last_page(std::string_view text) {
  last_page last;
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return {};
  std::from_chars(text.data(), text.data() + space, last.page);
  std::from_chars(text.data() + space + 1, text.data() + text.size(), last.count);
  if (last.page < 1) return {};
  return last;
}

std::string stargazers_page(const std::string& full_name, int page) {
  return "/repos/" + full_name + "/stargazers?per_page=" + std::to_string(page_size) +
         "&page=" + std::to_string(page);
}

/// Compares one page's stargazers with github.stars and publishes what is missing or stale.
void compare_page(target_context& context, const known_repository& repository, const Value& page) {
  for (const auto& stargazer : page.GetArray()) {
    const auto* user = member_of(stargazer, "user");
    const auto* id = user ? member_of(*user, "id") : nullptr;
    if (id == nullptr || !id->IsInt64()) continue;
    const auto starred_at = string_of(stargazer, "starred_at");
    {
      pqxx::nontransaction work(context.database);
      const auto rows = work.exec_params(
          "SELECT 1 FROM github.stars WHERE repository_id = $1 AND user_id = $2 AND starred "
          "AND starred_at = $3::timestamptz",
          repository.id, id->GetInt64(), starred_at.empty() ? std::optional<std::string>() : starred_at);
      if (!rows.empty()) continue;
    }
    record_gap(context.record, repository.full_name, "stars");
    context.publisher.publish(star_event(repository.object, stargazer));
  }
}

}  // namespace

synthetic_event star_event(const Value& repository, const Value& stargazer) {
  const auto* user = member_of(stargazer, "user");
  const auto starred_at = string_of(stargazer, "starred_at");
  if (user == nullptr || !user->IsObject() || !member_of(*user, "id") ||
      !(*user)["id"].IsInt64() || starred_at.empty())
    throw api_error(0, "a stargazer lacks its user or starred_at");
  synthetic_event message{"star",
                          "reconciler:star:" + std::to_string(repository["id"].GetInt64()) + ":" +
                              std::to_string((*user)["id"].GetInt64()) + ":" + starred_at,
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  message.payload.AddMember("action", "created", allocator);
  message.payload.AddMember("starred_at", Value(starred_at.c_str(), allocator), allocator);
  message.payload.AddMember("repository", Value(repository, allocator), allocator);
  message.payload.AddMember("sender", Value(*user, allocator), allocator);
  return message;
}

void reconcile_stargazers(target_context& context, const known_repository& repository) {
  const auto& full_name = repository.full_name;
  list_watermark watermark(context, "stargazers:" + full_name);
  auto last = parse_last_page(watermark.value());
  // A full last page: a new star starts the next one.
  int page = last.count >= page_size ? last.page + 1 : last.page;
  bool first = true;
  std::set<int> read;
  try {
    while (true) {
      if (!read.insert(page).second) throw api_error(0, "the stargazers' pages lead back to a page already read");
      auto request = api_get(stargazers_page(full_name, page), github_star_json);
      request.conditional = first && !watermark.resuming();
      const auto response = context.client.send(request);
      if (response.not_modified) break;  // no star added since that page was read
      const auto body = github_client::parse_json(response);
      if (!body.IsArray()) throw api_error(0, "GET …/stargazers did not answer a list");
      watermark.begin_walk();
      // Stars removed since: the list now ends before the page the last walk ended on, so walk
      // it all again from page 1. (Empty after a full page: simply no new star.)
      if (first && body.Empty() && page > 1 && page == last.page) {
        page = 1;
        first = false;
        read.clear();
        continue;
      }
      first = false;
      compare_page(context, repository, body);
      if (!body.Empty() || page == 1) last = {page, static_cast<int>(body.Size())};
      if (!response.next_link) break;
      ++page;
    }
  } catch (...) {
    watermark.cut_short();
    throw;
  }
  watermark.end_walk(std::to_string(last.page) + " " + std::to_string(last.count));
}

}  // namespace tributary::reconciler
