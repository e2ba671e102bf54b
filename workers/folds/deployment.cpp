#include "workers/folds/deployment.hpp"

namespace tributary::workers {
namespace {

constexpr const char* upsert_deployment = "fold_deployment";
constexpr const char* upsert_status = "fold_deployment_status";

std::optional<std::string> login_of(const payload_node& node, std::string_view key, const event& source,
                                    fold_transaction& transaction) {
  const auto user = read_user(node, key);
  if (!user) return std::nullopt;
  transaction.add_user(*user, source);
  return user->login;
}

std::int64_t write_deployment(const payload_node& deployment, std::int64_t repository_id,
                              const event& source, fold_transaction& transaction) {
  const auto id = deployment.required_integer("id");
  const auto updated_at = deployment.optional_time("updated_at");
  transaction.work().exec_prepared(
      upsert_deployment, id, repository_id, deployment.optional_string("sha"),
      deployment.optional_string("ref"), deployment.optional_string("task"),
      deployment.optional_string("environment"),
      login_of(deployment, "creator", source, transaction),
      deployment.optional_bool("production_environment"),
      deployment.optional_bool("transient_environment"), deployment.optional_time("created_at"),
      updated_at, version_time(updated_at), source.received_at_text, source.delivery_id);
  return id;
}

}  // namespace

void prepare_deployment(pqxx::connection& connection) {
  connection.prepare(upsert_deployment, R"sql(
    INSERT INTO deployments AS t (id, repository_id, sha, ref, task, environment,
      creator_login, production_environment, transient_environment, created_at, updated_at,
      version_at, seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
            github.snapshot_version_at($12::timestamptz, $13::timestamptz), $13, $14)
    ON CONFLICT (id) DO UPDATE SET
      repository_id = excluded.repository_id, sha = excluded.sha, ref = excluded.ref,
      task = excluded.task, environment = excluded.environment,
      creator_login = excluded.creator_login,
      production_environment = excluded.production_environment,
      transient_environment = excluded.transient_environment, created_at = excluded.created_at,
      updated_at = excluded.updated_at, version_at = excluded.version_at,
      seen_at = excluded.seen_at, seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.seen_at, t.seen_delivery))sql");
  connection.prepare(upsert_status, R"sql(
    INSERT INTO deployment_statuses AS t (id, deployment_id, repository_id, state,
      environment, description, creator_login, created_at, updated_at, version_at, seen_at,
      seen_delivery)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
            github.snapshot_version_at($10::timestamptz, $11::timestamptz), $11, $12)
    ON CONFLICT (id) DO UPDATE SET
      deployment_id = excluded.deployment_id, repository_id = excluded.repository_id,
      state = excluded.state, environment = excluded.environment,
      description = excluded.description, creator_login = excluded.creator_login,
      created_at = excluded.created_at, updated_at = excluded.updated_at,
      version_at = excluded.version_at, seen_at = excluded.seen_at,
      seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.seen_at, t.seen_delivery))sql");
}

void fold_deployment(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  write_deployment(root_of(source).required_object("deployment"), *repository_id, source,
                   transaction);
}

void fold_deployment_status(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto root = root_of(source);
  const auto deployment_id =
      write_deployment(root.required_object("deployment"), *repository_id, source, transaction);
  const auto status = root.required_object("deployment_status");
  const auto updated_at = status.optional_time("updated_at");
  transaction.work().exec_prepared(
      upsert_status, status.required_integer("id"), deployment_id, *repository_id,
      status.required_string("state"), status.optional_string("environment"),
      status.optional_string("description"), login_of(status, "creator", source, transaction),
      status.optional_time("created_at"), updated_at, version_time(updated_at),
      source.received_at_text, source.delivery_id);
}

}  // namespace tributary::workers
