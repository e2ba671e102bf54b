#include "workers/folds/stars.hpp"

#include "workers/fold_error.hpp"

namespace tributary::workers {
namespace {

constexpr const char* upsert_star = "fold_star";

}  // namespace

void prepare_stars(pqxx::connection& connection) {
  // Ordered by GitHub's time of the change ($6, github.snapshot_version_at), then the rank ($7:
  // a removal outranks a star at the same second), then the received-at and the delivery id.
  connection.prepare(upsert_star, R"sql(
    INSERT INTO stars AS t (repository_id, user_id, login, starred, starred_at, version_at,
      version_rank, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $5, github.snapshot_version_at($6::timestamptz, $8::timestamptz), $7,
            $8, $9)
    ON CONFLICT (repository_id, user_id) DO UPDATE SET
      login = excluded.login, starred = excluded.starred,
      starred_at = excluded.starred_at, version_at = excluded.version_at,
      version_rank = excluded.version_rank,
      seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.version_rank, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.version_rank, t.seen_at, t.seen_delivery))sql");
}

void fold_star(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto root = root_of(source);
  const auto stargazer = read_user(root, "sender");
  if (!stargazer) throw fold_error("sender is missing");
  bool starred;
  if (source.action == "created" || source.action == "started") starred = true;
  else if (source.action == "deleted") starred = false;
  else throw fold_error("action '" + source.action + "' is not one of " + source.name + "'s");
  const auto starred_at = starred ? root.optional_time("starred_at") : std::nullopt;
  // When the state began: starred_at for a star. An unstar carries starred_at null; GitHub moves
  // the repository's updated_at with its stargazers, so the snapshot's updated_at is the unstar's
  // time (and a star's, when starred_at is missing). A watch event (sent alongside star
  // `created`) says nothing of when, so it ranks below every star event: it only fills in a star
  // that no star event has told of.
  std::optional<std::string> version_at;
  if (source.name == "watch") version_at = "-infinity";
  else version_at = starred_at ? starred_at : repository_time(source, "updated_at");
  transaction.work().exec_prepared(upsert_star, *repository_id, stargazer->id, stargazer->login,
                                   starred, starred_at, version_at, removal_rank(starred),
                                   source.received_at_text, source.delivery_id);
}

}  // namespace tributary::workers
