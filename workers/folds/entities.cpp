#include "workers/folds/entities.hpp"

#include "workers/fold_error.hpp"
#include "workers/pg_array.hpp"

#include <algorithm>

namespace tributary::workers {
namespace {

constexpr const char* upsert_users = "fold_upsert_users";
constexpr const char* upsert_user_logins = "fold_upsert_user_logins";
constexpr const char* upsert_repositories = "fold_upsert_repositories";
constexpr const char* update_repository_stars = "fold_update_repository_stars";
constexpr const char* delete_repositories = "fold_delete_repositories";

}  // namespace

std::optional<user_row> read_user(const payload_node& parent, std::string_view key) {
  const auto node = parent.optional_object(key);
  if (!node) return std::nullopt;
  user_row user;
  user.id = node->required_integer("id");
  user.login = node->required_string("login");
  user.type = node->optional_string("type");
  return user;
}

repository_row read_repository(const payload_node& node) {
  repository_row repository;
  repository.id = node.required_integer("id");
  repository.full_name = node.required_string("full_name");
  repository.name = node.optional_string("name").value_or(
      repository.full_name.substr(repository.full_name.find('/') + 1));
  if (const auto owner = read_user(node, "owner")) {
    repository.owner_login = owner->login;
    repository.owner_id = owner->id;
  }
  repository.is_private = node.optional_bool("private");
  repository.fork = node.optional_bool("fork");
  repository.archived = node.optional_bool("archived");
  repository.default_branch = node.optional_string("default_branch");
  repository.created_at = node.optional_time("created_at");
  repository.pushed_at = node.optional_time("pushed_at");
  repository.updated_at = node.optional_time("updated_at");
  repository.stargazers_count = node.optional_integer("stargazers_count");
  repository.forks_count = node.optional_integer("forks_count");
  repository.open_issues_count = node.optional_integer("open_issues_count");
  return repository;
}

std::optional<std::string> repository_time(const event& source, std::string_view key) {
  const auto repository = root_of(source).optional_object("repository");
  return repository ? repository->optional_time(key) : std::nullopt;
}

void fold_transaction::add_user(const user_row& user, const event& source) {
  users_.emplace_back(user, &source);
}

void fold_transaction::add_repository(const repository_row& repository, const event& source) {
  repositories_.emplace_back(repository, &source);
}

void fold_transaction::prepare(pqxx::connection& connection) {
  // DISTINCT ON keeps the newest snapshot of each id in the attempt (ON CONFLICT DO UPDATE may not
  // touch a row twice in one statement); ORDER BY id gives every worker the same lock order.
  connection.prepare(upsert_users, R"sql(
    INSERT INTO users AS t (id, login, type, seen_at, seen_delivery)
    SELECT DISTINCT ON (u.id) u.id, u.login, u.type, u.seen_at, u.seen_delivery
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[])
         AS u(id, login, type, seen_at, seen_delivery)
    ORDER BY u.id, u.seen_at DESC, u.seen_delivery DESC
    ON CONFLICT (id) DO UPDATE SET
      login = excluded.login, type = excluded.type,
      seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.seen_at, excluded.seen_delivery) > (t.seen_at, t.seen_delivery))sql");
  // Every (id, login) pair seen, with the first and last received-at that showed it: the login
  // history that names a renamed user's old logins (010_people.sql). least/greatest commute, so
  // any order or replay gives the same rows.
  connection.prepare(upsert_user_logins, R"sql(
    INSERT INTO user_logins AS t (user_id, login, first_seen_at, last_seen_at)
    SELECT u.id, u.login, min(u.seen_at), max(u.seen_at)
    FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS u(id, login, seen_at)
    GROUP BY u.id, u.login
    ORDER BY u.id, u.login
    ON CONFLICT (user_id, login) DO UPDATE SET
      first_seen_at = least(t.first_seen_at, excluded.first_seen_at),
      last_seen_at = greatest(t.last_seen_at, excluded.last_seen_at)
    WHERE excluded.first_seen_at < t.first_seen_at OR excluded.last_seen_at > t.last_seen_at)sql");
  // The newest snapshot of each id wins, except that a field it lacks (an abridged object, a
  // partial snapshot) keeps the value of the newest snapshot that had one: first among this
  // attempt's snapshots of that id, then the stored row. stargazers_count is written apart, with
  // a version of its own (update_repository_stars).
  connection.prepare(upsert_repositories, R"sql(
    WITH snapshot AS (
      SELECT r.*, row_number() OVER (PARTITION BY r.id
                                     ORDER BY r.version_at DESC, r.seen_at DESC,
                                              r.seen_delivery DESC) AS newness
      FROM (SELECT u.id, u.full_name, u.name, u.owner_login, u.owner_id, u.private, u.fork,
                   u.archived, u.default_branch, u.created_at, u.pushed_at, u.updated_at,
                   u.forks_count, u.open_issues_count,
                   github.snapshot_version_at(u.version_at, u.seen_at) AS version_at, u.seen_at,
                   u.seen_delivery
            FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[],
                        $6::boolean[], $7::boolean[], $8::boolean[], $9::text[],
                        $10::timestamptz[], $11::timestamptz[], $12::timestamptz[],
                        $13::integer[], $14::integer[], $15::timestamptz[], $16::timestamptz[],
                        $17::text[])
                 AS u(id, full_name, name, owner_login, owner_id, private, fork, archived,
                      default_branch, created_at, pushed_at, updated_at, forks_count,
                      open_issues_count, version_at, seen_at, seen_delivery)) r
    ), known AS (
      SELECT id,
        (array_agg(owner_login ORDER BY newness) FILTER (WHERE owner_login IS NOT NULL))[1] AS owner_login,
        (array_agg(owner_id ORDER BY newness) FILTER (WHERE owner_id IS NOT NULL))[1] AS owner_id,
        (array_agg(private ORDER BY newness) FILTER (WHERE private IS NOT NULL))[1] AS private,
        (array_agg(fork ORDER BY newness) FILTER (WHERE fork IS NOT NULL))[1] AS fork,
        (array_agg(archived ORDER BY newness) FILTER (WHERE archived IS NOT NULL))[1] AS archived,
        (array_agg(default_branch ORDER BY newness)
           FILTER (WHERE default_branch IS NOT NULL))[1] AS default_branch,
        (array_agg(created_at ORDER BY newness) FILTER (WHERE created_at IS NOT NULL))[1] AS created_at,
        (array_agg(pushed_at ORDER BY newness) FILTER (WHERE pushed_at IS NOT NULL))[1] AS pushed_at,
        (array_agg(updated_at ORDER BY newness) FILTER (WHERE updated_at IS NOT NULL))[1] AS updated_at,
        (array_agg(forks_count ORDER BY newness) FILTER (WHERE forks_count IS NOT NULL))[1] AS forks_count,
        (array_agg(open_issues_count ORDER BY newness)
           FILTER (WHERE open_issues_count IS NOT NULL))[1] AS open_issues_count
      FROM snapshot GROUP BY id
    )
    INSERT INTO repositories AS t (id, full_name, name, owner_login, owner_id, private, fork,
      archived, default_branch, created_at, pushed_at, updated_at, forks_count, open_issues_count,
      version_at, seen_at, seen_delivery)
    SELECT s.id, s.full_name, s.name, k.owner_login, k.owner_id, k.private, k.fork, k.archived,
           k.default_branch, k.created_at, k.pushed_at, k.updated_at, k.forks_count,
           k.open_issues_count, s.version_at, s.seen_at, s.seen_delivery
    FROM snapshot s JOIN known k USING (id)
    WHERE s.newness = 1
    ORDER BY s.id
    ON CONFLICT (id) DO UPDATE SET
      full_name = excluded.full_name, name = excluded.name,
      owner_login = coalesce(excluded.owner_login, t.owner_login),
      owner_id = coalesce(excluded.owner_id, t.owner_id),
      private = coalesce(excluded.private, t.private), fork = coalesce(excluded.fork, t.fork),
      archived = coalesce(excluded.archived, t.archived),
      default_branch = coalesce(excluded.default_branch, t.default_branch),
      created_at = coalesce(excluded.created_at, t.created_at),
      pushed_at = coalesce(excluded.pushed_at, t.pushed_at),
      updated_at = coalesce(excluded.updated_at, t.updated_at),
      forks_count = coalesce(excluded.forks_count, t.forks_count),
      open_issues_count = coalesce(excluded.open_issues_count, t.open_issues_count),
      version_at = excluded.version_at, seen_at = excluded.seen_at,
      seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.seen_at, t.seen_delivery))sql");
  // The newest snapshot of each id that reported a stargazers_count, if newer than the one the
  // stored count came from. upsert_repositories ran first in the same attempt, so the rows exist and
  // this transaction already holds their locks (taken in id order).
  connection.prepare(update_repository_stars, R"sql(
    UPDATE repositories AS t SET
      stargazers_count = s.stargazers_count, stars_version_at = s.version_at,
      stars_seen_at = s.seen_at, stars_seen_delivery = s.seen_delivery
    FROM (SELECT DISTINCT ON (u.id) u.id, u.stargazers_count,
                 github.snapshot_version_at(u.version_at, u.seen_at) AS version_at, u.seen_at,
                 u.seen_delivery
          FROM unnest($1::bigint[], $2::integer[], $3::timestamptz[], $4::timestamptz[],
                      $5::text[]) AS u(id, stargazers_count, version_at, seen_at, seen_delivery)
          WHERE u.stargazers_count IS NOT NULL
          ORDER BY u.id, github.snapshot_version_at(u.version_at, u.seen_at) DESC,
                   u.seen_at DESC, u.seen_delivery DESC) AS s
    WHERE t.id = s.id
      AND (t.stars_version_at IS NULL
           OR (s.version_at, s.seen_at, s.seen_delivery)
              > (t.stars_version_at, t.stars_seen_at, t.stars_seen_delivery)))sql");
  connection.prepare(delete_repositories, R"sql(
    UPDATE repositories SET deleted = true WHERE id = ANY($1::bigint[]) AND NOT deleted)sql");
}

void fold_transaction::flush() {
  if (!users_.empty()) {
    pg_array id, login, type, seen_at, seen_delivery;
    for (const auto& [user, source] : users_) {
      id.add(user.id);
      login.add(user.login);
      type.add(user.type);
      seen_at.add(source->received_at_text);
      seen_delivery.add(source->delivery_id);
    }
    work_.exec_prepared(upsert_users, id.str(), login.str(), type.str(), seen_at.str(),
                        seen_delivery.str());
    work_.exec_prepared(upsert_user_logins, id.str(), login.str(), seen_at.str());
    users_.clear();
  }
  if (!repositories_.empty()) {
    pg_array id, full_name, name, owner_login, owner_id, is_private, fork, archived, default_branch,
        created_at, pushed_at, updated_at, stars, forks, open_issues, version_at, seen_at,
        seen_delivery;
    for (const auto& [repository, source] : repositories_) {
      id.add(repository.id);
      full_name.add(repository.full_name);
      name.add(repository.name);
      owner_login.add(repository.owner_login);
      owner_id.add(repository.owner_id);
      is_private.add(repository.is_private);
      fork.add(repository.fork);
      archived.add(repository.archived);
      default_branch.add(repository.default_branch);
      created_at.add(repository.created_at);
      pushed_at.add(repository.pushed_at);
      updated_at.add(repository.updated_at);
      stars.add(repository.stargazers_count);
      forks.add(repository.forks_count);
      open_issues.add(repository.open_issues_count);
      version_at.add(version_time(repository.updated_at));
      seen_at.add(source->received_at_text);
      seen_delivery.add(source->delivery_id);
    }
    work_.exec_prepared(upsert_repositories, id.str(), full_name.str(), name.str(),
                        owner_login.str(), owner_id.str(), is_private.str(), fork.str(),
                        archived.str(), default_branch.str(), created_at.str(), pushed_at.str(),
                        updated_at.str(), forks.str(), open_issues.str(), version_at.str(),
                        seen_at.str(), seen_delivery.str());
    work_.exec_prepared(update_repository_stars, id.str(), stars.str(), version_at.str(),
                        seen_at.str(), seen_delivery.str());
    repositories_.clear();
  }
  if (!deleted_repositories_.empty()) {
    pg_array ids;
    for (const auto id : deleted_repositories_) ids.add(id);
    work_.exec_prepared(delete_repositories, ids.str());
    deleted_repositories_.clear();
  }
}

std::optional<std::int64_t> gather_context(const event& source, fold_transaction& transaction,
                                           bool repository_required) {
  const auto root = root_of(source);
  std::optional<std::int64_t> repository_id;
  if (const auto node = root.optional_object("repository")) {
    const auto repository = read_repository(*node);
    transaction.add_repository(repository, source);
    if (const auto owner = read_user(*node, "owner")) transaction.add_user(*owner, source);
    repository_id = repository.id;
  } else if (repository_required) {
    throw fold_error("repository is missing");
  }
  if (const auto sender = read_user(root, "sender")) transaction.add_user(*sender, source);
  if (auto organization = read_user(root, "organization")) {
    if (!organization->type) organization->type = "Organization";
    transaction.add_user(*organization, source);
  }
  return repository_id;
}

}  // namespace tributary::workers
