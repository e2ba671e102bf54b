#include "workers/folds/installation.hpp"

namespace tributary::workers {
namespace {

constexpr const char* upsert_installation = "fold_installation";
constexpr const char* flag_deleted = "fold_installation_deleted";
constexpr const char* upsert_repository = "fold_installation_repository";

void write_repositories(const payload_node& root, std::string_view key, std::int64_t installation_id,
                        bool active, const std::optional<std::string>& installation_updated_at,
                        const event& source, fold_transaction& transaction) {
  // These are abridged repository objects (no updated_at, no stars): recorded as the
  // installation's reach, never as repository snapshots. Ordered by the installation's updated_at
  // (the payload's only time of GitHub's), a removal outranking an addition at an equal time.
  root.for_each_element(key, [&](const payload_node& repository) {
    transaction.work().exec_prepared(upsert_repository, installation_id,
                                     repository.required_integer("id"),
                                     repository.optional_string("full_name"), active,
                                     installation_updated_at, removal_rank(active),
                                     source.received_at_text, source.delivery_id);
  });
}

}  // namespace

void prepare_installation(pqxx::connection& connection) {
  connection.prepare(upsert_installation, R"sql(
    INSERT INTO installations AS t (id, app_id, account_login, account_id, target_type,
      repository_selection, created_at, updated_at, suspended_at, version_at, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
            github.snapshot_version_at($10::timestamptz, $11::timestamptz), $11, $12)
    ON CONFLICT (id) DO UPDATE SET
      app_id = excluded.app_id, account_login = excluded.account_login,
      account_id = excluded.account_id, target_type = excluded.target_type,
      repository_selection = excluded.repository_selection, created_at = excluded.created_at,
      updated_at = excluded.updated_at, suspended_at = excluded.suspended_at,
      version_at = excluded.version_at, seen_at = excluded.seen_at,
      seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.seen_at, t.seen_delivery))sql");
  connection.prepare(flag_deleted,
                     "UPDATE installations SET deleted = true WHERE id = $1 AND NOT deleted");
  connection.prepare(upsert_repository, R"sql(
    INSERT INTO installation_repositories AS t (installation_id, repository_id, full_name,
      active, version_at, version_rank, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, github.snapshot_version_at($5::timestamptz, $7::timestamptz), $6, $7,
            $8)
    ON CONFLICT (installation_id, repository_id) DO UPDATE SET
      full_name = excluded.full_name, active = excluded.active,
      version_at = excluded.version_at, version_rank = excluded.version_rank,
      seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.version_rank, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.version_rank, t.seen_at, t.seen_delivery))sql");
}

void fold_installation(const event& source, fold_transaction& transaction) {
  gather_context(source, transaction, false);
  const auto root = root_of(source);
  const auto installation = root.required_object("installation");
  const auto id = installation.required_integer("id");
  const auto account = read_user(installation, "account");
  if (account) transaction.add_user(*account, source);
  const auto updated_at = installation.optional_time("updated_at");
  auto& work = transaction.work();
  work.exec_prepared(upsert_installation, id, installation.optional_integer("app_id"),
                     account ? std::optional<std::string>(account->login) : std::nullopt,
                     account ? std::optional<std::int64_t>(account->id) : std::nullopt,
                     installation.optional_string("target_type"),
                     installation.optional_string("repository_selection"),
                     installation.optional_time("created_at"), updated_at,
                     installation.optional_time("suspended_at"), version_time(updated_at),
                     source.received_at_text, source.delivery_id);
  if (source.name == "installation_repositories") {
    write_repositories(root, "repositories_added", id, true, updated_at, source, transaction);
    write_repositories(root, "repositories_removed", id, false, updated_at, source, transaction);
  } else if (source.action == "created") {
    write_repositories(root, "repositories", id, true, updated_at, source, transaction);
  } else if (source.action == "deleted") {
    work.exec_prepared(flag_deleted, id);
    write_repositories(root, "repositories", id, false, updated_at, source, transaction);
  }
}

}  // namespace tributary::workers
