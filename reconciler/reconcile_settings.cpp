#include "reconciler/reconcile_settings.hpp"

#include <algorithm>
#include <cctype>

namespace tributary::reconciler {
namespace {

bool is_name(std::string_view text) {
  if (text.empty() || text.size() > 100 || text == "." || text == "..") return false;
  for (const char c : text)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

std::vector<std::string_view> split(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find_first_of(separators, start);
    const auto part = text.substr(start, end == std::string_view::npos ? end : end - start);
    if (!part.empty() || separators == "/") parts.push_back(part);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

}  // namespace

reconcile_target parse_target(std::string_view text) {
  const auto parts = split(text, "/");
  const bool valid = (parts.size() == 1 || parts.size() == 2) &&
                     std::all_of(parts.begin(), parts.end(), is_name);
  if (!valid)
    throw core::settings_error("target '" + std::string(text) +
                               "' is neither an organisation (ORG) nor a repository (OWNER/REPO)");
  return {std::string(parts[0]), parts.size() == 2 ? std::string(parts[1]) : std::string()};
}

std::vector<reconcile_target> parse_targets(std::string_view list) {
  std::vector<reconcile_target> targets;
  for (const auto entry : split(list, ", \t\n")) targets.push_back(parse_target(entry));
  return targets;
}

std::vector<core::setting_spec> reconciler_setting_specs() {
  namespace common = core::common_settings;
  std::vector<core::setting_spec> specs{
      common::kafka_bootstrap_servers(), common::kafka_topic(), common::database_url(),
      common::metrics_listen(":9466"), common::log_level()};
  for (auto& spec : github_setting_specs()) specs.push_back(std::move(spec));
  specs.push_back({"RECONCILE_TARGETS", "",
                   "organisations (ORG) and repositories (OWNER/REPO) to reconcile, separated by "
                   "commas, besides those of `tributary-reconciler targets add`"});
  specs.push_back({"RECONCILE_INTERVAL", "1h", "time between two runs (without --once)"});
  specs.push_back({"RECONCILE_HOOKS", "",
                   "hooks whose failed deliveries are redelivered: org/ORG/HOOK_ID, "
                   "repo/OWNER/REPO/HOOK_ID or app, separated by commas"});
  specs.push_back({"RECONCILE_RATE_LIMIT_SHARE", "0.5",
                   "share (0 to 1] of the remaining rate limit (as first seen) a run may spend over "
                   "all its targets; the rest is left to the organisation's other integrations"});
  specs.push_back({"RECONCILE_REQUEST_BUDGET", "0",
                   "requests that cost rate limit a run may spend over all its targets (0: only "
                   "the share limits it)"});
  specs.push_back({"RECONCILE_COMMIT_BUDGET", "500",
                   "of those, requests a run may spend on commit line counts of each target "
                   "(GET /repos/{owner}/{repo}/commits/{sha}, newest first)"});
  return specs;
}

run_config make_run_config(const core::settings& settings) {
  run_config config;
  try {
    config.targets = parse_targets(settings.find("RECONCILE_TARGETS").value_or(""));
  } catch (const core::settings_error& error) {
    throw core::settings_error(std::string("RECONCILE_TARGETS: ") + error.what());
  }
  try {
    config.hooks = parse_hooks(settings.find("RECONCILE_HOOKS").value_or(""));
  } catch (const hook_entry_error& error) {
    throw core::settings_error(error.what());  // names RECONCILE_HOOKS and the entry
  }
  config.interval = settings.get_duration("RECONCILE_INTERVAL");
  if (config.interval <= std::chrono::milliseconds(0))
    throw core::settings_error("RECONCILE_INTERVAL must be positive");
  const auto& share = settings.get("RECONCILE_RATE_LIMIT_SHARE");
  try {
    std::size_t used = 0;
    config.rate_limit_share = std::stod(share, &used);
    if (used != share.size()) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw core::settings_error("RECONCILE_RATE_LIMIT_SHARE is not a number: '" + share + "'");
  }
  if (!(config.rate_limit_share > 0.0 && config.rate_limit_share <= 1.0))
    throw core::settings_error("RECONCILE_RATE_LIMIT_SHARE must be in (0, 1]");
  config.request_budget = settings.get_int("RECONCILE_REQUEST_BUDGET");
  config.commit_budget = settings.get_int("RECONCILE_COMMIT_BUDGET");
  if (config.request_budget < 0) throw core::settings_error("RECONCILE_REQUEST_BUDGET must be 0 or more");
  if (config.commit_budget < 0) throw core::settings_error("RECONCILE_COMMIT_BUDGET must be 0 or more");
  for (const auto& hook : config.hooks)
    if (hook.kind == hook_kind::app && settings.find("GITHUB_APP_ID").value_or("").empty())
      throw core::settings_error("RECONCILE_HOOKS: 'app' needs GitHub App credentials (GITHUB_APP_ID)");
  return config;
}

}  // namespace tributary::reconciler
