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

/// Prepares every statement the folds use on `connection` (once per connection).
void prepare_fold_statements(pqxx::connection& connection);

}  // namespace tributary::workers
