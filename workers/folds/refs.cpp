#include "workers/folds/refs.hpp"

namespace tributary::workers {
namespace {

constexpr const char* upsert_ref = "fold_ref";

}  // namespace

void prepare_refs(pqxx::connection& connection) {
  connection.prepare(upsert_ref, R"sql(
    INSERT INTO github.refs AS t (repository_id, ref_type, ref, present, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (repository_id, ref_type, ref) DO UPDATE SET
      present = excluded.present, seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.seen_at, excluded.seen_delivery) > (t.seen_at, t.seen_delivery))sql");
}

void fold_ref(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto root = root_of(source);
  transaction.work().exec_prepared(upsert_ref, *repository_id, root.required_string("ref_type"),
                                   root.required_string("ref"), source.name == "create",
                                   source.received_at_text, source.delivery_id);
}

}  // namespace tributary::workers
