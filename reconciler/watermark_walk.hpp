#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <functional>
#include <string>

namespace tributary::reconciler {

/// Walks the list at `list_target` (a GitHub list sorted newest-updated first) conditionally,
/// page after page, calling `on_item` with each item updated at or after the watermark kept in
/// github.reconcile_watermarks under `resource`, and stops at the first item older than it.
/// - A 304 on the first page: nothing changed since the last complete walk; nothing more is asked.
///   A 304 on a later page: that page and all after it were compared by an earlier complete walk.
/// - The watermark moves to the newest item's updated_at only when the walk ended by itself and
///   the broker acknowledged every event published so far. While a walk is under way it is kept
///   as "~<watermark>", so that a walk cut short (budget, error) is done again, its list
///   unconditionally, by the next run: its pages' validators were stored before their items were
///   compared. When the broker refused an event, it is kept as "!<watermark>": the next run asks
///   everything about each item afresh, since what was asked and answered 200 was not taken.
/// `on_item` is told whether to ask afresh (unconditionally) what it asks about an item.
/// Exceptions of the client and of `on_item` propagate, the watermark staying as it was.
using watermark_item = std::function<void(const rapidjson::Value& item, bool afresh)>;
void walk_to_watermark(target_context& context, const std::string& resource,
                       const std::string& list_target, const watermark_item& on_item);

/// Whether `item`'s updated_at is before `watermark` (both GitHub times; an empty watermark is
/// before everything). Pure.
bool older_than_watermark(const rapidjson::Value& item, const std::string& watermark);

}  // namespace tributary::reconciler
