#include "workers/folds/stars.hpp"

#include "workers/fold_error.hpp"

namespace tributary::workers {
namespace {

constexpr const char* upsert_star = "fold_star";

}  // namespace

void prepare_stars(pqxx::connection& connection) {
  // A watch event (sent alongside star `created`) says nothing of when, so it ranks below every
  // star event (seen_at -infinity): it only fills in a star that no star event has told of.
  connection.prepare(upsert_star, R"sql(
    INSERT INTO github.stars AS t (repository_id, user_id, login, starred, starred_at, seen_at,
      seen_delivery)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (repository_id, user_id) DO UPDATE SET
      login = excluded.login, starred = excluded.starred,
      starred_at = excluded.starred_at,
      seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.seen_at, excluded.seen_delivery) > (t.seen_at, t.seen_delivery))sql");
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
  const std::string seen_at = source.name == "watch" ? "-infinity" : source.received_at_text;
  transaction.work().exec_prepared(upsert_star, *repository_id, stargazer->id, stargazer->login,
                                   starred, starred_at, seen_at, source.delivery_id);
}

}  // namespace tributary::workers
