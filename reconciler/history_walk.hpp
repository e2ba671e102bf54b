#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tributary::reconciler {

/// A repository of the target as github.repositories knows it, and the abridged repository
/// object the history resources' events carry: {id, full_name, name, owner {login, id}} without
/// a time, so that the worker ranks it below every dated snapshot and it changes nothing there.
struct known_repository {
  std::int64_t id = 0;
  std::string full_name;
  rapidjson::Document object;
};

/// The repository `full_name` as github.repositories knows it; when the worker does not know it
/// yet (its webhooks never came: its repository event, published earlier in this run, is not
/// folded yet), GET /repos/{owner}/{repo} unconditionally (the conditional GET of the run just
/// stored its ETag, so a conditional one would answer 304 without a body): one request, once.
/// Throws api_error (404 included) like the client.
known_repository resolve_repository(target_context& context, const std::string& full_name);

/// The items of one page newer than the watermark, in GitHub's order.
using page_items = std::vector<const rapidjson::Value*>;

/// Walks the list at `target` (newest first) down to the watermark kept as `resource` in
/// github.reconcile_watermarks: the key (`key_of`) of the newest item of the last walk that
/// reached it. The first page is asked conditionally: a 304 means nothing changed, and nothing
/// more is asked. On a 200 the watermark is marked "pending" before anything is compared, so a
/// run cut short (budget, error) makes the next one ask that page again unconditionally instead
/// of trusting its 304; the following pages are asked unconditionally for the same reason. The
/// walk stops at the page that holds the watermark's item; `on_page` gets each page's items
/// newer than it. Without `key_of` every page is read (a list with no order of newness). The
/// new watermark is saved only when the walk reached the old one or the end of the list.
/// Returns whether the first page had changed.
bool walk_to_watermark(target_context& context, const std::string& target, const std::string& resource,
                       const std::function<std::string(const rapidjson::Value&)>& key_of,
                       const std::function<void(const page_items&)>& on_page,
                       const std::string& accept = github_json);

/// The member `key` of `object` when it is a non-null value, else null.
const rapidjson::Value* member_of(const rapidjson::Value& object, const char* key);
/// The string at `key`, or "" when absent or not a string.
std::string string_of(const rapidjson::Value& object, const char* key);

}  // namespace tributary::reconciler
