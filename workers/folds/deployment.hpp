#pragma once

#include "workers/folds/entities.hpp"

namespace tributary::workers {

/// deployment and deployment_status: upsert the deployment by id (newest updated_at wins) and,
/// for deployment_status, the status by id.
void fold_deployment(const event& source, fold_transaction& transaction);
void fold_deployment_status(const event& source, fold_transaction& transaction);
void prepare_deployment(pqxx::connection& connection);

}  // namespace tributary::workers
