#include "workers/folds/teams.hpp"

#include "workers/fold_error.hpp"

namespace tributary::workers {
namespace {

constexpr const char* upsert_team = "fold_team";
constexpr const char* flag_team_deleted = "fold_team_deleted";
constexpr const char* upsert_team_member = "fold_team_member";
constexpr const char* upsert_team_repository = "fold_team_repository";
constexpr const char* upsert_collaborator = "fold_collaborator";

std::int64_t write_team(const payload_node& team, const event& source,
                        fold_transaction& transaction) {
  const auto id = team.required_integer("id");
  const auto organization = root_of(source).optional_object("organization");
  const auto parent = team.optional_object("parent");
  auto& work = transaction.work();
  // Webhook team objects carry no time; REST's (the reconciler's) carry updated_at.
  work.exec_prepared(upsert_team, id,
                     organization ? organization->optional_string("login") : std::nullopt,
                     team.optional_string("slug"), team.optional_string("name"),
                     team.optional_string("privacy"), team.optional_string("permission"),
                     parent ? parent->optional_integer("id") : std::nullopt,
                     team.optional_time("updated_at"), source.received_at_text,
                     source.delivery_id);
  // A membership event for a deleted team says so with team.deleted.
  if (source.action == "deleted" && source.name == "team") work.exec_prepared(flag_team_deleted, id);
  else if (team.optional_bool("deleted").value_or(false)) work.exec_prepared(flag_team_deleted, id);
  return id;
}

}  // namespace

void prepare_teams(pqxx::connection& connection) {
  // The newest snapshot wins whole, even where it lacks a field (a deleted team's has no slug):
  // merging fields from older snapshots would make the result depend on arrival order.
  connection.prepare(upsert_team, R"sql(
    INSERT INTO teams AS t (id, organization_login, slug, name, privacy, permission,
      parent_id, version_at, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $5, $6, $7, github.snapshot_version_at($8::timestamptz, $9::timestamptz),
            $9, $10)
    ON CONFLICT (id) DO UPDATE SET
      organization_login = excluded.organization_login, slug = excluded.slug,
      name = excluded.name, privacy = excluded.privacy, permission = excluded.permission,
      parent_id = excluded.parent_id, version_at = excluded.version_at,
      seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.seen_at, t.seen_delivery))sql");
  connection.prepare(flag_team_deleted,
                     "UPDATE teams SET deleted = true WHERE id = $1 AND NOT deleted");
  // Membership payloads carry no time of GitHub's at all: the received-at orders them.
  connection.prepare(upsert_team_member, R"sql(
    INSERT INTO team_members AS t (team_id, user_id, login, active, version_at,
      version_rank, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $6, $5, $6, $7)
    ON CONFLICT (team_id, user_id) DO UPDATE SET
      login = excluded.login, active = excluded.active, version_at = excluded.version_at,
      version_rank = excluded.version_rank, seen_at = excluded.seen_at,
      seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.version_rank, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.version_rank, t.seen_at, t.seen_delivery))sql");
  // A repository's reach (team repositories, collaborators): team and member payloads carry no
  // time of the change, but their repository snapshot does: the later of its updated_at and
  // pushed_at, a time GitHub had reached before the change (greatest ignores a missing one; both
  // missing, the received-at stands in). A removal outranks an addition at an equal time.
  connection.prepare(upsert_team_repository, R"sql(
    INSERT INTO team_repositories AS t (team_id, repository_id, permission, active,
      version_at, version_rank, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4,
            github.snapshot_version_at(greatest($5::timestamptz, $6::timestamptz), $8::timestamptz),
            $7, $8, $9)
    ON CONFLICT (team_id, repository_id) DO UPDATE SET
      permission = excluded.permission, active = excluded.active,
      version_at = excluded.version_at, version_rank = excluded.version_rank,
      seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.version_rank, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.version_rank, t.seen_at, t.seen_delivery))sql");
  connection.prepare(upsert_collaborator, R"sql(
    INSERT INTO repository_collaborators AS t (repository_id, user_id, login, permission,
      active, version_at, version_rank, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $5,
            github.snapshot_version_at(greatest($6::timestamptz, $7::timestamptz), $9::timestamptz),
            $8, $9, $10)
    ON CONFLICT (repository_id, user_id) DO UPDATE SET
      login = excluded.login, permission = excluded.permission,
      active = excluded.active, version_at = excluded.version_at,
      version_rank = excluded.version_rank, seen_at = excluded.seen_at,
      seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.version_rank, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.version_rank, t.seen_at, t.seen_delivery))sql");
}

void fold_member(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto root = root_of(source);
  const auto member = read_user(root, "member");
  if (!member) throw fold_error("member is missing");
  transaction.add_user(*member, source);
  std::optional<std::string> permission;
  if (const auto changes = root.optional_object("changes"))
    if (const auto to = changes->optional_object("permission")) permission = to->optional_string("to");
  const bool active = source.action != "removed";
  transaction.work().exec_prepared(upsert_collaborator, *repository_id, member->id, member->login,
                                   permission, active, repository_time(source, "updated_at"),
                                   repository_time(source, "pushed_at"), removal_rank(active),
                                   source.received_at_text, source.delivery_id);
}

void fold_membership(const event& source, fold_transaction& transaction) {
  gather_context(source, transaction, false);
  const auto root = root_of(source);
  const auto member = read_user(root, "member");
  if (!member) throw fold_error("member is missing");
  transaction.add_user(*member, source);
  const auto team_id = write_team(root.required_object("team"), source, transaction);
  const bool active = source.action == "added";
  transaction.work().exec_prepared(upsert_team_member, team_id, member->id, member->login, active,
                                   removal_rank(active), source.received_at_text,
                                   source.delivery_id);
}

void fold_team(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, false);
  const auto root = root_of(source);
  const auto team_id = write_team(root.required_object("team"), source, transaction);
  const bool added = source.name == "team_add" || source.action == "added_to_repository";
  const bool removed = source.action == "removed_from_repository";
  if (!added && !removed) return;
  if (!repository_id) throw fold_error("repository is missing");
  transaction.work().exec_prepared(upsert_team_repository, team_id, *repository_id,
                                   root.required_object("team").optional_string("permission"),
                                   added, repository_time(source, "updated_at"),
                                   repository_time(source, "pushed_at"), removal_rank(added),
                                   source.received_at_text, source.delivery_id);
}

}  // namespace tributary::workers
