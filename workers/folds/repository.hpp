#pragma once

#include "workers/folds/entities.hpp"

namespace tributary::workers {

/// repository: the snapshot it carries (renamed, transferred, archived, ...); `deleted` flags the
/// repository for good.
void fold_repository(const event& source, fold_transaction& transaction);
/// ping: nothing but the repository, organization and sender it names.
void fold_ping(const event& source, fold_transaction& transaction);

}  // namespace tributary::workers
