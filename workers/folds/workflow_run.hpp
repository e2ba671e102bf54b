#pragma once

#include "workers/folds/entities.hpp"

#include <string_view>

namespace tributary::workers {

/// How far a run has progressed, to order snapshots that share an updated_at: 0 waiting or queued,
/// 1 in progress, 2 completed. Pure.
int workflow_status_rank(std::string_view status);

/// workflow_run: upserts the run by id (newest updated_at, then furthest status, wins).
void fold_workflow_run(const event& source, fold_transaction& transaction);
void prepare_workflow_run(pqxx::connection& connection);

}  // namespace tributary::workers
