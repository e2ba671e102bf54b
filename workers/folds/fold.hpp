#pragma once

#include "workers/folds/entities.hpp"

#include <span>
#include <string_view>

namespace tributary::workers {

/// True for the event types the worker folds into entities; any other is kept raw and skipped.
bool is_folded(std::string_view event_name);

/// The folded event types (for metrics and documentation).
std::span<const std::string_view> folded_event_names();

/// Folds one event into entity rows through `transaction`. Throws fold_error for a defect of the
/// payload; pqxx errors pass through (a malformed timestamp surfaces as pqxx::data_exception).
/// Requires is_folded(source.name).
void fold(const event& source, fold_transaction& transaction);

/// The schema the live worker folds into.
inline constexpr std::string_view live_fold_schema = "github";

/// Prepares every statement the folds use on `connection` (once per connection), folding into
/// `schema`: the fold SQL names the tables a refold rebuilds (refold_tables.hpp, "derived")
/// without a schema, and this sets the connection's search_path to `schema` alone, so the live
/// worker folds into github and a refold into its fresh schema by the same statements.
/// Everything else (github.snapshot_version_at, the ledger, raw events) stays qualified.
void prepare_fold_statements(pqxx::connection& connection,
                             std::string_view schema = live_fold_schema);

}  // namespace tributary::workers
