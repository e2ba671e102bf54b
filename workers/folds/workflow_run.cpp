#include "workers/folds/workflow_run.hpp"

namespace tributary::workers {
namespace {

constexpr const char* upsert_run = "fold_workflow_run";

}  // namespace

int workflow_status_rank(std::string_view status) {
  if (status == "completed") return 2;
  if (status == "in_progress") return 1;
  return 0;
}

void prepare_workflow_run(pqxx::connection& connection) {
  connection.prepare(upsert_run, R"sql(
    INSERT INTO workflow_runs AS t (id, repository_id, workflow_id, workflow_name, name,
      run_number, run_attempt, event, status, conclusion, head_branch, head_sha, actor_login,
      created_at, updated_at, run_started_at, version_at, version_rank, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
            github.snapshot_version_at($17::timestamptz, $19::timestamptz), $18, $19, $20)
    ON CONFLICT (id) DO UPDATE SET
      repository_id = excluded.repository_id, workflow_id = excluded.workflow_id,
      workflow_name = excluded.workflow_name, name = excluded.name,
      run_number = excluded.run_number, run_attempt = excluded.run_attempt,
      event = excluded.event, status = excluded.status, conclusion = excluded.conclusion,
      head_branch = excluded.head_branch, head_sha = excluded.head_sha,
      actor_login = excluded.actor_login, created_at = excluded.created_at,
      updated_at = excluded.updated_at, run_started_at = excluded.run_started_at,
      version_at = excluded.version_at, version_rank = excluded.version_rank,
      seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.version_rank, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.version_rank, t.seen_at, t.seen_delivery))sql");
}

void fold_workflow_run(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto root = root_of(source);
  const auto run = root.required_object("workflow_run");
  const auto workflow = root.optional_object("workflow");
  const auto actor = read_user(run, "actor");
  if (actor) transaction.add_user(*actor, source);
  const auto status = run.optional_string("status");
  const auto updated_at = run.optional_time("updated_at");
  transaction.work().exec_prepared(
      upsert_run, run.required_integer("id"), *repository_id, run.optional_integer("workflow_id"),
      workflow ? workflow->optional_string("name") : std::nullopt, run.optional_string("name"),
      run.optional_integer("run_number"), run.optional_integer("run_attempt"),
      run.optional_string("event"), status, run.optional_string("conclusion"),
      run.optional_string("head_branch"), run.optional_string("head_sha"),
      actor ? std::optional<std::string>(actor->login) : std::nullopt,
      run.optional_time("created_at"), updated_at, run.optional_time("run_started_at"),
      version_time(updated_at), workflow_status_rank(status.value_or("")),
      source.received_at_text, source.delivery_id);
}

}  // namespace tributary::workers
