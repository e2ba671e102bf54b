#pragma once

#include "workers/folds/entities.hpp"

namespace tributary::workers {

/// release: upserts the release by id (latest delivery wins: release objects carry no
/// updated_at); `deleted` flags it for good.
void fold_release(const event& source, fold_transaction& transaction);
void prepare_release(pqxx::connection& connection);

}  // namespace tributary::workers
