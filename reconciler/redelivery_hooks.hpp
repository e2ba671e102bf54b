#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::reconciler {

/// A RECONCILE_HOOKS entry that is not one of the three shapes; `what()` quotes the entry and says
/// which shape was expected.
struct hook_entry_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// Which kind of webhook a hook is, as GitHub's "Webhooks" REST API distinguishes them.
enum class hook_kind { organization, repository, app };

/// One hook whose failed deliveries the reconciler redelivers. `deliveries_path` is the API path
/// of its deliveries listing; redelivering delivery N is POST `deliveries_path + "/N/attempts"`.
/// An app hook is reached with the App's own JWT, not an installation token
/// (`needs_app_jwt`). Immutable once parsed.
struct hook {
  hook_kind kind = hook_kind::organization;
  std::string owner;  // organization login, or repository owner; empty for the app hook
  std::string repo;   // repository name; empty unless kind == repository
  std::int64_t hook_id = 0;  // 0 for the app hook (GitHub's app hook has no id in its path)
  std::string key;            // the canonical entry ("org/acme/12"): the key of its sweep rows
  std::string deliveries_path;
  bool needs_app_jwt = false;
};

/// Parses one entry: `org/ORG/HOOK_ID`, `repo/OWNER/REPO/HOOK_ID` or `app`. Names are GitHub's
/// (letters, digits, '-', '_', '.'), a hook id is a positive integer. Throws hook_entry_error.
hook parse_hook(std::string_view entry);

/// Parses RECONCILE_HOOKS: entries separated by commas and/or white space; an empty text is no
/// hook. A repeated entry is kept once. Throws hook_entry_error naming the first bad entry.
std::vector<hook> parse_hooks(std::string_view text);

/// The path to redeliver delivery `delivery_id` of `h`: POST it with an empty body.
std::string attempts_path(const hook& h, std::int64_t delivery_id);

}  // namespace tributary::reconciler
