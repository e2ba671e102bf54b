#include "workers/folds/issues.hpp"

#include "workers/fold_error.hpp"
#include "workers/pg_array.hpp"

#include <algorithm>

namespace tributary::workers {
namespace {

constexpr const char* upsert_issue = "fold_issue";
constexpr const char* delete_assignees = "fold_issue_delete_assignees";
constexpr const char* insert_assignees = "fold_issue_insert_assignees";
constexpr const char* upsert_closing = "fold_issue_closing";
constexpr const char* flag_deleted = "fold_issue_deleted";
constexpr const char* flag_transferred = "fold_issue_transferred";

void write_issue(const issue_row& issue, std::int64_t repository_id, bool closed_action,
                 const event& source, fold_transaction& transaction) {
  auto& work = transaction.work();
  std::optional<std::string> author_login;
  std::optional<std::int64_t> author_id;
  if (issue.author) {
    transaction.add_user(*issue.author, source);
    author_login = issue.author->login;
    author_id = issue.author->id;
  }
  const auto won = work.exec_prepared(
      upsert_issue, issue.id, repository_id, issue.number, issue.title, author_login, author_id,
      issue.state, issue.state_reason, issue.is_pull_request, issue.created_at, issue.updated_at,
      issue.closed_at, source.received_at_text, source.delivery_id);

  std::vector<std::string> logins;
  for (const auto& assignee : issue.assignees) {
    transaction.add_user(assignee, source);
    logins.push_back(assignee.login);
  }
  std::sort(logins.begin(), logins.end());
  logins.erase(std::unique(logins.begin(), logins.end()), logins.end());

  if (!won.empty()) {  // this snapshot is now the issue's: its assignees replace the old ones
    work.exec_prepared(delete_assignees, issue.id);
    if (!issue.assignees.empty()) {
      pg_array ids, names;
      std::vector<std::int64_t> seen;
      for (const auto& assignee : issue.assignees) {
        if (std::find(seen.begin(), seen.end(), assignee.id) != seen.end()) continue;
        seen.push_back(assignee.id);
        ids.add(assignee.id);
        names.add(assignee.login);
      }
      work.exec_prepared(insert_assignees, issue.id, ids.str(), names.str());
    }
  }
  if (issue.state == "closed" && issue.closed_at) {
    pg_array assignee_logins;
    for (const auto& login : logins) assignee_logins.add(login);
    work.exec_prepared(upsert_closing, issue.id, *issue.closed_at, assignee_logins.str(),
                       closed_action, issue.updated_at, source.received_at_text,
                       source.delivery_id);
  }
}

}  // namespace

issue_row read_issue(const payload_node& node) {
  issue_row issue;
  issue.id = node.required_integer("id");
  issue.number = node.required_integer("number");
  issue.title = node.optional_string("title");
  issue.author = read_user(node, "user");
  issue.state_reason = node.optional_string("state_reason");
  issue.is_pull_request = node.has("pull_request");
  issue.created_at = node.required_time("created_at");
  issue.updated_at = node.required_time("updated_at");
  issue.closed_at = node.optional_time("closed_at");
  // pinned and unpinned payloads omit state.
  issue.state = node.optional_string("state").value_or(issue.closed_at ? "closed" : "open");
  if (node.has("assignees")) {
    node.for_each_element("assignees", [&](const payload_node& assignee) {
      issue.assignees.push_back(user_row{assignee.required_integer("id"),
                                         assignee.required_string("login"),
                                         assignee.optional_string("type")});
    });
  } else if (auto assignee = read_user(node, "assignee")) {
    issue.assignees.push_back(std::move(*assignee));
  }
  return issue;
}

void prepare_issues(pqxx::connection& connection) {
  connection.prepare(upsert_issue, R"sql(
    INSERT INTO issues AS t (id, repository_id, number, title, author_login, author_id,
      state, state_reason, is_pull_request, created_at, updated_at, closed_at, version_at, seen_at,
      seen_delivery)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
            github.snapshot_version_at($11::timestamptz, $13::timestamptz), $13, $14)
    ON CONFLICT (id) DO UPDATE SET
      repository_id = excluded.repository_id, number = excluded.number, title = excluded.title,
      author_login = excluded.author_login, author_id = excluded.author_id, state = excluded.state,
      state_reason = excluded.state_reason, is_pull_request = excluded.is_pull_request,
      created_at = excluded.created_at, updated_at = excluded.updated_at,
      closed_at = excluded.closed_at, version_at = excluded.version_at,
      seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.seen_at, t.seen_delivery)
    RETURNING id)sql");
  connection.prepare(delete_assignees, "DELETE FROM issue_assignees WHERE issue_id = $1");
  connection.prepare(insert_assignees, R"sql(
    INSERT INTO issue_assignees (issue_id, user_id, login)
    SELECT $1, a.user_id, a.login FROM unnest($2::bigint[], $3::text[]) AS a(user_id, login))sql");
  // The closing's assignees come from the `closed` action's own snapshot when there is one, else
  // from the earliest snapshot showing that closing: the smallest rank wins, whatever the order.
  connection.prepare(upsert_closing, R"sql(
    INSERT INTO issue_closings AS t (issue_id, closed_at, assignee_logins,
      from_closed_action, version_at, seen_at, seen_delivery)
    VALUES ($1, $2, $3::text[], $4, $5, $6, $7)
    ON CONFLICT (issue_id, closed_at) DO UPDATE SET
      assignee_logins = excluded.assignee_logins, from_closed_action = excluded.from_closed_action,
      version_at = excluded.version_at, seen_at = excluded.seen_at,
      seen_delivery = excluded.seen_delivery
    WHERE (NOT excluded.from_closed_action, excluded.version_at, excluded.seen_at,
           excluded.seen_delivery)
        < (NOT t.from_closed_action, t.version_at, t.seen_at, t.seen_delivery))sql");
  connection.prepare(flag_deleted,
                     "UPDATE issues SET deleted = true WHERE id = $1 AND NOT deleted");
  connection.prepare(flag_transferred,
                     "UPDATE issues SET transferred = true WHERE id = $1 AND NOT transferred");
}

void fold_issues(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto root = root_of(source);
  const auto issue = read_issue(root.required_object("issue"));
  write_issue(issue, *repository_id, source.action == "closed", source, transaction);
  if (source.action == "deleted") transaction.work().exec_prepared(flag_deleted, issue.id);
  if (source.action == "transferred") {
    transaction.work().exec_prepared(flag_transferred, issue.id);
    const auto changes = root.required_object("changes");
    const auto new_repository = read_repository(changes.required_object("new_repository"));
    transaction.add_repository(new_repository, source);
    const auto new_issue = read_issue(changes.required_object("new_issue"));
    write_issue(new_issue, new_repository.id, false, source, transaction);
  }
}

}  // namespace tributary::workers
