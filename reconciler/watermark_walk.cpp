#include "reconciler/watermark_walk.hpp"

#include "reconciler/github_time.hpp"

#include <chrono>
#include <optional>
#include <set>
#include <stdexcept>

namespace tributary::reconciler {
namespace {

constexpr char walking_mark = '~';
constexpr char refused_mark = '!';

std::string updated_at_of(const rapidjson::Value& item) {
  if (!item.IsObject()) return "";
  const auto found = item.FindMember("updated_at");
  return found != item.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
}

}  // namespace

list_watermark::list_watermark(target_context& context, std::string resource)
    : context_(context), resource_(std::move(resource)) {
  const auto kept = find_watermark(context_.database, context_.target.text(), resource_).value_or("");
  const char mark = kept.empty() ? '\0' : kept.front();
  resuming_ = mark == walking_mark || mark == refused_mark;
  afresh_ = mark == refused_mark;
  value_ = resuming_ ? kept.substr(1) : kept;
}

void list_watermark::begin_walk() {
  if (walking_) return;
  walking_ = true;
  if (!resuming_) save_watermark(context_.database, context_.target.text(), resource_, walking_mark + value_);
}

bool list_watermark::events_taken() {
  if (context_.publisher.settle(std::chrono::seconds(30))) return true;
  save_watermark(context_.database, context_.target.text(), resource_, refused_mark + value_);
  return false;
}

void list_watermark::end_walk(const std::string& value) {
  if (!walking_) return;  // nothing was asked afresh: the watermark stands
  if (!events_taken())
    throw std::runtime_error("the broker did not acknowledge every event: the walk of " + resource_ +
                             " is done again by the next run");
  save_watermark(context_.database, context_.target.text(), resource_, value);
}

void list_watermark::cut_short() {
  if (walking_) events_taken();
}

list_order newest_first_by_key(std::function<std::string(const rapidjson::Value&)> key_of) {
  return {key_of, [key_of](const rapidjson::Value& item, const std::string& watermark) {
            return !watermark.empty() && key_of(item) == watermark;
          }};
}

list_order newest_updated_first() { return {updated_at_of, older_than_watermark}; }

bool older_than_watermark(const rapidjson::Value& item, const std::string& watermark) {
  if (watermark.empty()) return false;
  const auto updated = parse_github_time(updated_at_of(item));
  const auto mark = parse_github_time(watermark);
  return updated && mark && *updated < *mark;
}

bool walk_to_watermark(target_context& context, const std::string& resource, const std::string& list_target,
                       const list_order& order, const page_handler& on_page, const std::string& accept) {
  list_watermark watermark(context, resource);
  std::optional<std::string> next = with_page_size(list_target);
  std::set<std::string> seen;  // a Link that loops back would otherwise walk for ever
  std::optional<std::string> newest;
  bool reached = false;
  try {
    while (next && !reached) {
      if (!seen.insert(*next).second) throw api_error(0, "the Link header leads back to a page already read");
      auto request = api_get(*next, accept);
      request.conditional = seen.size() == 1 && !watermark.resuming();
      const auto response = context.client.send(request);
      if (response.not_modified) return false;  // only the first page is asked conditionally
      const auto body = github_client::parse_json(response);
      if (!body.IsArray()) throw api_error(0, "GET " + list_target + " did not answer a list");
      watermark.begin_walk();
      page_items items;
      for (const auto& item : body.GetArray()) {
        if (!item.IsObject()) continue;
        if (order.mark_of && !newest) newest = order.mark_of(item);
        if (order.reached && order.reached(item, watermark.value())) {
          reached = true;
          break;
        }
        items.push_back(&item);
      }
      if (!items.empty()) on_page(items, watermark.afresh());
      next = response.next_link;
    }
  } catch (...) {
    watermark.cut_short();
    throw;
  }
  watermark.end_walk(newest && !newest->empty() ? *newest : watermark.value());
  return true;
}

}  // namespace tributary::reconciler
