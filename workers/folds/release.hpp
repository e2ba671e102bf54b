#pragma once

#include "workers/folds/entities.hpp"

#include <string_view>

namespace tributary::workers {

/// Orders release snapshots that share a version time: 2 deleted, 1 edited (without
/// release.updated_at an edit carries only the times of the publication it follows), 0 the rest.
/// Pure.
int release_action_rank(std::string_view action);

/// release: upserts the release by id, ordered by release.updated_at where GitHub sends it (the
/// 2019 examples don't), else by the later of created_at and published_at, then the action's
/// rank; `deleted` flags it for good.
void fold_release(const event& source, fold_transaction& transaction);
void prepare_release(pqxx::connection& connection);

}  // namespace tributary::workers
