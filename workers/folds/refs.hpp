#pragma once

#include "workers/folds/entities.hpp"

namespace tributary::workers {

/// create and delete: a branch or tag appears or disappears, ordered by the repository
/// snapshot's pushed_at (a delete outranks a create of the same second).
void fold_ref(const event& source, fold_transaction& transaction);
void prepare_refs(pqxx::connection& connection);

}  // namespace tributary::workers
