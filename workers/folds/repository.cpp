#include "workers/folds/repository.hpp"

namespace tributary::workers {

void fold_repository(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  if (source.action == "deleted") transaction.mark_repository_deleted(*repository_id);
}

void fold_ping(const event& source, fold_transaction& transaction) {
  gather_context(source, transaction, false);
}

}  // namespace tributary::workers
