#include "workers/folds/refs.hpp"

namespace tributary::workers {
namespace {

constexpr const char* upsert_ref = "fold_ref";

}  // namespace

void prepare_refs(pqxx::connection& connection) {
  connection.prepare(upsert_ref, R"sql(
    INSERT INTO refs AS t (repository_id, ref_type, ref, present, version_at, version_rank,
      seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, github.snapshot_version_at($5::timestamptz, $7::timestamptz), $6, $7,
            $8)
    ON CONFLICT (repository_id, ref_type, ref) DO UPDATE SET
      present = excluded.present, version_at = excluded.version_at,
      version_rank = excluded.version_rank, seen_at = excluded.seen_at,
      seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.version_rank, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.version_rank, t.seen_at, t.seen_delivery))sql");
}

void fold_ref(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto root = root_of(source);
  // Creating or deleting a branch or tag is a push: the repository snapshot's pushed_at is the
  // time of it. A delete outranks a create of the same second.
  const bool created = source.name == "create";
  transaction.work().exec_prepared(upsert_ref, *repository_id, root.required_string("ref_type"),
                                   root.required_string("ref"), created,
                                   repository_time(source, "pushed_at"), removal_rank(created),
                                   source.received_at_text, source.delivery_id);
}

}  // namespace tributary::workers
