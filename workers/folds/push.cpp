#include "workers/folds/push.hpp"

#include "workers/fold_error.hpp"
#include "workers/pg_array.hpp"

#include <set>

namespace tributary::workers {
namespace {

constexpr const char* upsert_commits = "fold_push_commits";
constexpr const char* upsert_push = "fold_push_ref";

/// A sha of zeros: the ref did not exist before (before) or no longer exists (after).
bool is_zero_sha(const std::string& sha) {
  return sha.find_first_not_of('0') == std::string::npos;
}

/// Records the push itself (ref, before, after, forced, its commits in order) when the payload
/// says which ref it moved: GitHub's push webhooks do; the reconciler's one-commit pushes don't.
void write_push(const payload_node& root, std::int64_t repository_id,
                const std::vector<commit_row>& commits, const event& source,
                fold_transaction& transaction) {
  const auto ref = root.optional_string("ref");
  const auto before = root.optional_string("before");
  const auto after = root.optional_string("after");
  if (!ref || !before || !after || after->empty() || is_zero_sha(*after)) return;
  pg_array shas;
  for (const auto& commit : commits) shas.add(commit.sha);
  if (commits.empty() || commits.back().sha != *after) shas.add(*after);
  transaction.work().exec_prepared(upsert_push, repository_id, *ref, *before, *after,
                                   root.optional_bool("forced").value_or(false),
                                   repository_time(source, "pushed_at"), shas.str(),
                                   source.received_at_text, source.delivery_id);
}

}  // namespace

std::vector<commit_row> read_push_commits(const payload_node& root) {
  std::vector<commit_row> commits;
  std::set<std::string> seen;
  root.for_each_element("commits", [&](const payload_node& node) {
    commit_row commit;
    commit.sha = node.required_string("id");
    if (commit.sha.empty()) throw fold_error(node.child_path("id") + " is empty");
    commit.authored_at = node.required_time("timestamp");
    const auto author = node.required_object("author");
    commit.author_username = author.optional_string("username");
    commit.author_email = author.optional_string("email");
    commit.author_name = author.optional_string("name");
    if (commit.author_username && commit.author_username->empty()) commit.author_username.reset();
    if (commit.author_email && commit.author_email->empty()) commit.author_email.reset();
    if (!commit.author_username && !commit.author_email)
      throw fold_error(author.path() + " has neither username nor email");
    commit.message = node.optional_string("message");
    // Not in GitHub's push payloads; the reconciler's synthetic pushes carry REST's stats.
    if (const auto stats = node.optional_object("stats")) {
      commit.additions = stats->optional_integer("additions");
      commit.deletions = stats->optional_integer("deletions");
    }
    if (seen.insert(commit.sha).second) commits.push_back(std::move(commit));
  });
  return commits;
}

void prepare_push(pqxx::connection& connection) {
  // A commit is immutable: a later delivery only fills what was unknown. least() picks the same
  // username whatever order two differing deliveries come in.
  connection.prepare(upsert_commits, R"sql(
    INSERT INTO commits AS t (repository_id, sha, author_username, author_email, author_name,
      authored_at, message, additions, deletions, first_seen_delivery)
    SELECT $1, c.sha, c.username, c.email, c.name, c.authored_at, c.message, c.additions,
           c.deletions, $2
    FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[],
                $9::integer[], $10::integer[])
         AS c(sha, username, email, name, authored_at, message, additions, deletions)
    ON CONFLICT (repository_id, sha) DO UPDATE SET
      author_username = least(t.author_username, excluded.author_username),
      additions = coalesce(t.additions, excluded.additions),
      deletions = coalesce(t.deletions, excluded.deletions)
    WHERE (t.author_username IS NULL AND excluded.author_username IS NOT NULL)
       OR t.author_username > excluded.author_username
       OR (t.additions IS NULL AND excluded.additions IS NOT NULL)
       OR (t.deletions IS NULL AND excluded.deletions IS NOT NULL))sql");
  // A push is a fact (the same ref, before and after bring the same commits): copies of it keep
  // the earliest report, a total order, so any arrival order ends in the same row.
  connection.prepare(upsert_push, R"sql(
    INSERT INTO pushes AS t (repository_id, ref, before_sha, after_sha, forced, pushed_at,
      shas, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $5, github.snapshot_version_at($6::timestamptz, $8::timestamptz),
            $7::text[], $8, $9)
    ON CONFLICT (repository_id, ref, before_sha, after_sha) DO UPDATE SET
      forced = excluded.forced, pushed_at = excluded.pushed_at, shas = excluded.shas,
      seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.pushed_at, excluded.seen_at, excluded.seen_delivery)
        < (t.pushed_at, t.seen_at, t.seen_delivery))sql");
}

void fold_push(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto commits = read_push_commits(root_of(source));
  write_push(root_of(source), *repository_id, commits, source, transaction);
  if (commits.empty()) return;
  pg_array sha, username, email, name, authored_at, message, additions, deletions;
  for (const auto& commit : commits) {
    sha.add(commit.sha);
    username.add(commit.author_username);
    email.add(commit.author_email);
    name.add(commit.author_name);
    authored_at.add(commit.authored_at);
    message.add(commit.message);
    additions.add(commit.additions);
    deletions.add(commit.deletions);
  }
  transaction.work().exec_prepared(upsert_commits, *repository_id, source.delivery_id, sha.str(),
                                   username.str(), email.str(), name.str(), authored_at.str(),
                                   message.str(), additions.str(), deletions.str());
}

}  // namespace tributary::workers
