#include "reconciler/watermark_walk.hpp"

#include "reconciler/github_time.hpp"

#include <chrono>
#include <stdexcept>

namespace tributary::reconciler {
namespace {

// Marks kept before the watermark while it is not to be trusted: a walk under way (or cut short),
// and a walk whose events the broker did not all acknowledge.
constexpr char walking_mark = '~';
constexpr char refused_mark = '!';

std::string updated_at_of(const rapidjson::Value& item) {
  if (!item.IsObject()) return "";
  const auto found = item.FindMember("updated_at");
  return found != item.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
}

}  // namespace

bool older_than_watermark(const rapidjson::Value& item, const std::string& watermark) {
  if (watermark.empty()) return false;
  const auto updated = parse_github_time(updated_at_of(item));
  const auto mark = parse_github_time(watermark);
  return updated && mark && *updated < *mark;
}

void walk_to_watermark(target_context& context, const std::string& resource,
                       const std::string& list_target, const watermark_item& on_item) {
  const auto target = context.target.text();
  const auto kept = find_watermark(context.database, target, resource).value_or("");
  const char mark = kept.empty() ? '\0' : kept.front();
  const bool resuming = mark == walking_mark || mark == refused_mark;
  const bool afresh = mark == refused_mark;
  const auto watermark = resuming ? kept.substr(1) : kept;
  auto newest = watermark;
  bool first_page = true;
  const auto events_taken = [&] {
    if (context.publisher.settle(std::chrono::seconds(30))) return true;
    save_watermark(context.database, target, resource, refused_mark + watermark);
    return false;
  };
  try {
    context.client.walk_pages_while(
        list_target,
        [&](const api_response&, const rapidjson::Document* body) {
          if (body == nullptr) return false;
          if (!body->IsArray()) throw api_error(0, "GET " + list_target + " did not answer a list");
          if (first_page) {
            first_page = false;
            if (!body->Empty()) {
              const auto first = updated_at_of((*body)[0]);
              if (!first.empty()) newest = first;
            }
            if (!resuming) save_watermark(context.database, target, resource, walking_mark + watermark);
          }
          for (const auto& item : body->GetArray()) {
            if (older_than_watermark(item, watermark)) return false;
            on_item(item, afresh);
          }
          return true;
        },
        github_json, !resuming);
  } catch (...) {
    if (!first_page) events_taken();  // "~" stays unless the broker refused some event
    throw;
  }
  // Reached only when the walk ended by itself: it compared everything down to the watermark.
  if (first_page) return;
  if (!events_taken())
    throw std::runtime_error("the broker did not acknowledge every event: the walk of " + resource +
                             " is done again by the next run");
  save_watermark(context.database, target, resource, newest);
}

}  // namespace tributary::reconciler
