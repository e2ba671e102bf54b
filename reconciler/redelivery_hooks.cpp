#include "reconciler/redelivery_hooks.hpp"

#include <algorithm>
#include <charconv>

namespace tributary::reconciler {
namespace {

constexpr const char* shapes = "expected org/ORG/HOOK_ID, repo/OWNER/REPO/HOOK_ID or app";

[[noreturn]] void refuse(std::string_view entry, const std::string& why) {
  throw hook_entry_error("RECONCILE_HOOKS entry '" + std::string(entry) + "': " + why);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// GitHub's logins and repository names: letters, digits, '-', '_' and '.'; not "." or "..".
bool is_github_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 100) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

std::int64_t hook_id_of(std::string_view entry, std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value <= 0)
    refuse(entry, "the hook id '" + std::string(text) + "' is not a positive integer");
  return value;
}

}  // namespace

hook parse_hook(std::string_view entry) {
  hook parsed;
  if (entry == "app") {
    parsed.kind = hook_kind::app;
    parsed.key = "app";
    parsed.deliveries_path = "/app/hook/deliveries";
    parsed.needs_app_jwt = true;
    return parsed;
  }
  const auto parts = split(entry, '/');
  if (parts.front() == "org") {
    if (parts.size() != 3) refuse(entry, shapes);
    if (!is_github_name(parts[1])) refuse(entry, "'" + std::string(parts[1]) + "' is not an organization login");
    parsed.kind = hook_kind::organization;
    parsed.owner = parts[1];
    parsed.hook_id = hook_id_of(entry, parts[2]);
    parsed.deliveries_path = "/orgs/" + parsed.owner + "/hooks/" + std::to_string(parsed.hook_id) + "/deliveries";
  } else if (parts.front() == "repo") {
    if (parts.size() != 4) refuse(entry, shapes);
    if (!is_github_name(parts[1])) refuse(entry, "'" + std::string(parts[1]) + "' is not a repository owner");
    if (!is_github_name(parts[2])) refuse(entry, "'" + std::string(parts[2]) + "' is not a repository name");
    parsed.kind = hook_kind::repository;
    parsed.owner = parts[1];
    parsed.repo = parts[2];
    parsed.hook_id = hook_id_of(entry, parts[3]);
    parsed.deliveries_path = "/repos/" + parsed.owner + "/" + parsed.repo + "/hooks/" +
                             std::to_string(parsed.hook_id) + "/deliveries";
  } else {
    refuse(entry, shapes);
  }
  parsed.key = std::string(entry);
  return parsed;
}

std::vector<hook> parse_hooks(std::string_view text) {
  std::vector<hook> hooks;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto is_separator = [](char c) { return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (at < text.size() && is_separator(text[at])) ++at;
    auto end = at;
    while (end < text.size() && !is_separator(text[end])) ++end;
    if (end > at) {
      auto parsed = parse_hook(text.substr(at, end - at));
      if (std::none_of(hooks.begin(), hooks.end(), [&](const hook& h) { return h.key == parsed.key; }))
        hooks.push_back(std::move(parsed));
    }
    at = end;
  }
  return hooks;
}

std::string attempts_path(const hook& h, std::int64_t delivery_id) {
  return h.deliveries_path + "/" + std::to_string(delivery_id) + "/attempts";
}

}  // namespace tributary::reconciler
