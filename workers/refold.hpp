#pragma once

#include "core/log.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tributary::workers {

/// A refold that can't start or can't finish, and why, in one line (what is missing). Nothing of
/// the live tables has changed.
struct refold_refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The schema a refold folds into before it swaps: made afresh at start (an aborted refold's is
/// dropped first), dropped by the swap.
inline constexpr std::string_view refold_schema = "github_refold";

struct refold_options {
  std::size_t batch_size = 500;  // deliveries folded in one transaction
  std::chrono::milliseconds progress_interval{10000};
  /// Told when a phase begins ("bulk", "catch_up", "final"), before it reads what it will
  /// fold: tests deliver more while the refold runs.
  std::function<void(std::string_view phase)> on_phase;
};

/// What a refold did. deliveries = folded + skipped + failed.
struct refold_outcome {
  std::size_t deliveries = 0;
  std::size_t folded = 0;   // of folded event types
  std::size_t skipped = 0;  // kept raw only (event types the worker does not fold)
  std::size_t failed = 0;   // folds that failed now (logged at warning with the reason)
  std::size_t caught_up = 0;         // deliveries that arrived after the bulk pass began
  std::size_t folded_under_lock = 0; // of those, the ones folded while the ledger was locked
  double seconds = 0;
  double locked_seconds = 0;  // how long live workers waited: the last catch-up and the swap
};

/// Rebuilds every derived table (refold_tables.hpp) from the raw deliveries of
/// github.webhook_events, while live workers go on folding:
/// 1. refuses (refold_refused) if a github table is unclassified, another refold runs, or the
///    ledger holds deliveries whose raw payload retention has dropped;
/// 2. creates `refold_schema` with an empty copy of each derived table (LIKE ... INCLUDING ALL,
///    and its triggers) and a list of the deliveries refolded;
/// 3. folds the ledger's deliveries not refolded yet, in the order the worker met them
///    (received-at, then Kafka partition and offset), in batches of one transaction each, with
///    the worker's own fold statements pointed at the fresh schema (prepare_fold_statements);
///    once for the bulk, then again for what arrived meanwhile, until little is left;
/// 4. in one transaction: locks the ledger against new deliveries (SHARE: live workers wait at
///    their next batch), folds the last ones, replaces the contents of every derived table with
///    the fresh one's (TRUNCATE + INSERT, so views, grants, indexes and triggers stay as they
///    are), drops the fresh schema, commits.
/// A fold that fails now (a delivery the worker had folded) is logged and counted, and the rest
/// folds. Progress and rate are logged every `progress_interval`. `stopping` ends it between
/// batches (refold_refused; the live tables untouched). One thread; opens two connections.
refold_outcome refold(const std::string& database_url, const refold_options& options,
                      const std::atomic<bool>& stopping, const core::logger& log);

}  // namespace tributary::workers
