#pragma once

#include "workers/folds/entities.hpp"

namespace tributary::workers {

/// star (created, deleted) and watch (started, GitHub's older name for starring): who stars
/// which repository, the latest delivery deciding. The repository snapshot they carry updates
/// its stargazers_count like any other.
void fold_star(const event& source, fold_transaction& transaction);
void prepare_stars(pqxx::connection& connection);

}  // namespace tributary::workers
