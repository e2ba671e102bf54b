#pragma once

#include "workers/folds/entities.hpp"

namespace tributary::workers {

/// star (created, deleted) and watch (started, GitHub's older name for starring): who stars
/// which repository, ordered by GitHub's time of each change (starred_at; for an unstar, the
/// repository snapshot's updated_at), never by when a delivery arrived. The repository snapshot
/// they carry updates its stargazers_count like any other.
void fold_star(const event& source, fold_transaction& transaction);
void prepare_stars(pqxx::connection& connection);

}  // namespace tributary::workers
