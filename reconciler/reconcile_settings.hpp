#pragma once

#include "core/settings.hpp"
#include "reconciler/github_settings.hpp"
#include "reconciler/redelivery_hooks.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::reconciler {

/// An organisation ("octo-org": all its repositories) or one repository ("octo-org/hello").
struct reconcile_target {
  std::string owner;
  std::string repository;  // empty for an organisation
  bool is_organization() const { return repository.empty(); }
  std::string text() const { return is_organization() ? owner : owner + "/" + repository; }
};

/// "ORG" or "OWNER/REPO" (GitHub's characters: letters, digits, '-', '_', '.'); throws
/// core::settings_error naming the text otherwise. Pure.
reconcile_target parse_target(std::string_view text);
/// A list separated by commas or white space; empty entries are skipped. Pure.
std::vector<reconcile_target> parse_targets(std::string_view list);

/// What a run does, validated.
struct run_config {
  std::vector<reconcile_target> targets;  // RECONCILE_TARGETS (the table's are added per run)
  std::vector<hook> hooks;                // RECONCILE_HOOKS (parse_hooks, redelivery_hooks.hpp)
  std::chrono::milliseconds interval{};
  double rate_limit_share = 0.5;          // of the remaining rate limit first seen in a pass
  std::int64_t request_budget = 0;        // requests that cost, per pass over all targets; 0: no cap
  std::int64_t commit_budget = 0;         // of those, at most this many for commit line counts
};

/// Every setting of tributary-reconciler: Kafka, DATABASE_URL, METRICS_LISTEN (:9466), LOG_LEVEL,
/// the GitHub ones (github_setting_specs) and RECONCILE_*.
std::vector<core::setting_spec> reconciler_setting_specs();
/// RECONCILE_* validated; throws core::settings_error with one line naming the faulty setting.
run_config make_run_config(const core::settings& settings);

}  // namespace tributary::reconciler
