#pragma once

#include "workers/folds/entities.hpp"

namespace tributary::workers {

/// installation and installation_repositories: the GitHub App's installations and the
/// repositories each can reach.
void fold_installation(const event& source, fold_transaction& transaction);
void prepare_installation(pqxx::connection& connection);

}  // namespace tributary::workers
