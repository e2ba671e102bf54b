#include "workers/folds/release.hpp"

namespace tributary::workers {
namespace {

constexpr const char* upsert_release = "fold_release";
constexpr const char* flag_deleted = "fold_release_deleted";

}  // namespace

int release_action_rank(std::string_view action) {
  if (action == "deleted") return 2;
  if (action == "edited") return 1;
  return 0;
}

void prepare_release(pqxx::connection& connection) {
  // version_at: release.updated_at ($10) when GitHub sends it, else the later of created_at and
  // published_at, capped by github.snapshot_version_at.
  connection.prepare(upsert_release, R"sql(
    INSERT INTO releases AS t (id, repository_id, tag_name, name, draft, prerelease,
      author_login, created_at, published_at, version_at, version_rank, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
            github.snapshot_version_at(
              coalesce($10::timestamptz, greatest($8::timestamptz, $9::timestamptz)),
              $12::timestamptz),
            $11, $12, $13)
    ON CONFLICT (id) DO UPDATE SET
      repository_id = excluded.repository_id, tag_name = excluded.tag_name, name = excluded.name,
      draft = excluded.draft, prerelease = excluded.prerelease,
      author_login = excluded.author_login, created_at = excluded.created_at,
      published_at = excluded.published_at, version_at = excluded.version_at,
      version_rank = excluded.version_rank, seen_at = excluded.seen_at,
      seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.version_rank, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.version_rank, t.seen_at, t.seen_delivery))sql");
  connection.prepare(flag_deleted,
                     "UPDATE releases SET deleted = true WHERE id = $1 AND NOT deleted");
}

void fold_release(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto release = root_of(source).required_object("release");
  const auto id = release.required_integer("id");
  const auto author = read_user(release, "author");
  if (author) transaction.add_user(*author, source);
  auto& work = transaction.work();
  work.exec_prepared(upsert_release, id, *repository_id, release.required_string("tag_name"),
                     release.optional_string("name"), release.optional_bool("draft"),
                     release.optional_bool("prerelease"),
                     author ? std::optional<std::string>(author->login) : std::nullopt,
                     release.optional_time("created_at"), release.optional_time("published_at"),
                     release.optional_time("updated_at"), release_action_rank(source.action),
                     source.received_at_text, source.delivery_id);
  if (source.action == "deleted") work.exec_prepared(flag_deleted, id);
}

}  // namespace tributary::workers
