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
/// - The watermark moves to the newest item's updated_at only when the walk ends by itself; while
///   a walk is under way it is kept as "~<watermark>", so that a walk cut short (budget, error)
///   is done again, unconditionally, by the next run: its pages' validators were stored before
///   their items were compared.
/// Exceptions of the client and of `on_item` propagate, leaving the watermark as it was.
void walk_to_watermark(target_context& context, const std::string& resource,
                       const std::string& list_target,
                       const std::function<void(const rapidjson::Value& item)>& on_item);

/// Whether `item`'s updated_at is before `watermark` (both GitHub times; an empty watermark is
/// before everything). Pure.
bool older_than_watermark(const rapidjson::Value& item, const std::string& watermark);

}  // namespace tributary::reconciler
