#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <functional>
#include <string>
#include <vector>

namespace tributary::reconciler {

/// The watermark of one list, kept as `resource` in github.reconcile_watermarks: where the last
/// walk that ended by itself, with every event it published acknowledged, stopped. Two marks
/// before it say it is not to be trusted: "~" while a walk is under way (or was cut short: its
/// pages' validators were stored before their items were compared), "!" when the broker refused
/// an event of the walk (what was asked and answered 200 was not taken). Either makes the next
/// walk ask the list unconditionally; "!" also makes it ask each item's own lists afresh.
/// Every walk of a list against a watermark goes through this class: walk_to_watermark below for
/// the lists newest first, the stargazers' walk from its last page. Borrows the context; lives for
/// one walk; one thread.
class list_watermark {
 public:
  list_watermark(target_context& context, std::string resource);

  /// What the last complete walk left ("" for none), without its mark.
  const std::string& value() const { return value_; }
  /// A walk was cut short or refused: its list is asked unconditionally.
  bool resuming() const { return resuming_; }
  /// The broker refused an event: each item's own lists are asked unconditionally too.
  bool afresh() const { return afresh_; }

  /// The list answered 200: marked "~" before anything is compared (kept as it is when resuming).
  void begin_walk();
  /// The walk ended by itself: once the broker has acknowledged every event published so far,
  /// the watermark becomes `value`; otherwise it is marked "!" and runtime_error is thrown.
  void end_walk(const std::string& value);
  /// The walk was cut short by an exception: "~" stays, or "!" when the broker refused an event.
  void cut_short();

 private:
  bool events_taken();

  target_context& context_;
  std::string resource_;
  std::string value_;
  bool resuming_ = false;
  bool afresh_ = false;
  bool walking_ = false;
};

/// Where a walk newest first stops: `mark_of(item)` is the watermark the list's newest item leaves,
/// and `reached(item, watermark)` says that an item was compared by the walk that left
/// `watermark`, as was every item after it. A list without an order of newness has neither and is
/// read whole (its watermark holds only its mark).
struct list_order {
  std::function<std::string(const rapidjson::Value& item)> mark_of;
  std::function<bool(const rapidjson::Value& item, const std::string& watermark)> reached;
};
/// Newest created first, each item named by `key_of`: the walk stops at the item it names.
list_order newest_first_by_key(std::function<std::string(const rapidjson::Value&)> key_of);
/// Newest updated first: the walk stops at the first item updated before the watermark (items
/// updated at the watermark's second are compared again: several can share it).
list_order newest_updated_first();
/// No order of newness: every page is read.
inline const list_order whole_list{};

/// The items of one page not yet reached, in GitHub's order; `afresh` as list_watermark says.
using page_items = std::vector<const rapidjson::Value*>;
using page_handler = std::function<void(const page_items& items, bool afresh)>;

/// Walks the list at `list_target` page by page down to the watermark kept as `resource`,
/// calling `on_page` with each page's items not yet reached, and asks no page after the one
/// that reaches it. The first page is asked conditionally (unless resuming): a 304 means nothing
/// changed since the last complete walk, and nothing more is asked. The pages after it are asked
/// unconditionally: a 304 carries no items, which a list read whole needs (and a walk newest
/// first goes past its first page only when over a page of items changed). The watermark moves
/// to the newest item's mark as list_watermark says. Returns whether the first page had changed. Exceptions of the client
/// and of `on_page` propagate after list_watermark::cut_short.
bool walk_to_watermark(target_context& context, const std::string& resource, const std::string& list_target,
                       const list_order& order, const page_handler& on_page,
                       const std::string& accept = github_json);

/// Whether `item`'s updated_at is before `watermark` (both GitHub times; an empty watermark is
/// before everything). Pure.
bool older_than_watermark(const rapidjson::Value& item, const std::string& watermark);

}  // namespace tributary::reconciler
