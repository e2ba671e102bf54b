#include "workers/folds/pull_request.hpp"

#include "workers/fold_error.hpp"

namespace tributary::workers {
namespace {

constexpr const char* upsert_summary = "fold_pull_request_summary";
constexpr const char* update_detail = "fold_pull_request_detail";

}  // namespace

pull_request_row read_pull_request(const payload_node& node, bool with_detail) {
  pull_request_row pull_request;
  pull_request.id = node.required_integer("id");
  pull_request.number = node.required_integer("number");
  pull_request.title = node.optional_string("title");
  pull_request.author = read_user(node, "user");
  pull_request.state = node.required_string("state");
  pull_request.created_at = node.required_time("created_at");
  pull_request.updated_at = node.required_time("updated_at");
  pull_request.closed_at = node.optional_time("closed_at");
  pull_request.merged_at = node.optional_time("merged_at");
  if (const auto base = node.optional_object("base")) pull_request.base_ref = base->optional_string("ref");
  pull_request.merge_commit_sha = node.optional_string("merge_commit_sha");
  if (with_detail) {
    pull_request_row::detail_fields detail;
    detail.draft = node.optional_bool("draft");
    detail.merged = node.optional_bool("merged");
    detail.additions = node.optional_integer("additions");
    detail.deletions = node.optional_integer("deletions");
    detail.changed_files = node.optional_integer("changed_files");
    detail.commits = node.optional_integer("commits");
    pull_request.detail = detail;
  }
  return pull_request;
}

void prepare_pull_request(pqxx::connection& connection) {
  connection.prepare(upsert_summary, R"sql(
    INSERT INTO pull_requests AS t (id, repository_id, number, title, author_login,
      author_id, state, created_at, updated_at, closed_at, merged_at, version_at, seen_at,
      seen_delivery, base_ref, merge_commit_sha)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
            github.snapshot_version_at($9::timestamptz, $12::timestamptz), $12, $13, $14, $15)
    ON CONFLICT (id) DO UPDATE SET
      repository_id = excluded.repository_id, number = excluded.number, title = excluded.title,
      author_login = excluded.author_login, author_id = excluded.author_id,
      state = excluded.state, created_at = excluded.created_at, updated_at = excluded.updated_at,
      closed_at = excluded.closed_at, merged_at = excluded.merged_at,
      base_ref = excluded.base_ref, merge_commit_sha = excluded.merge_commit_sha,
      version_at = excluded.version_at, seen_at = excluded.seen_at,
      seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.seen_at, t.seen_delivery))sql");
  connection.prepare(update_detail, R"sql(
    UPDATE pull_requests AS t SET
      draft = $2, merged = $3, additions = $4, deletions = $5, changed_files = $6, commits = $7,
      detail_version_at = github.snapshot_version_at($8::timestamptz, $9::timestamptz),
      detail_seen_at = $9, detail_seen_delivery = $10
    WHERE t.id = $1
      AND (t.detail_seen_at IS NULL
           OR (github.snapshot_version_at($8::timestamptz, $9::timestamptz), $9::timestamptz,
               $10::text)
              > (t.detail_version_at, t.detail_seen_at, t.detail_seen_delivery)))sql");
}

void write_pull_request(const pull_request_row& pull_request, std::int64_t repository_id,
                        const event& source, fold_transaction& transaction) {
  if (pull_request.author) transaction.add_user(*pull_request.author, source);
  std::optional<std::string> author_login;
  std::optional<std::int64_t> author_id;
  if (pull_request.author) {
    author_login = pull_request.author->login;
    author_id = pull_request.author->id;
  }
  auto& work = transaction.work();
  work.exec_prepared(upsert_summary, pull_request.id, repository_id, pull_request.number,
                     pull_request.title, author_login, author_id, pull_request.state,
                     pull_request.created_at, pull_request.updated_at, pull_request.closed_at,
                     pull_request.merged_at, source.received_at_text, source.delivery_id,
                     pull_request.base_ref, pull_request.merge_commit_sha);
  if (const auto& detail = pull_request.detail) {
    work.exec_prepared(update_detail, pull_request.id, detail->draft, detail->merged,
                       detail->additions, detail->deletions, detail->changed_files,
                       detail->commits, pull_request.updated_at, source.received_at_text,
                       source.delivery_id);
  }
}

void fold_pull_request(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto pull_request =
      read_pull_request(root_of(source).required_object("pull_request"), true);
  write_pull_request(pull_request, *repository_id, source, transaction);
}

}  // namespace tributary::workers
