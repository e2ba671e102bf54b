#include "reconciler/bookkeeping.hpp"

namespace tributary::reconciler {

std::optional<validators> pg_validator_store::find(std::string_view key) {
  pqxx::nontransaction work(connection_);
  const auto rows = work.exec_params(
      "SELECT etag, last_modified, next_link FROM github.reconcile_validators WHERE request_key = $1",
      std::string(key));
  if (rows.empty()) return std::nullopt;
  validators found{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(), std::nullopt};
  if (!rows[0][2].is_null()) found.next_link = rows[0][2].as<std::string>();
  return found;
}

void pg_validator_store::remember(std::string_view key, const validators& value) {
  pqxx::nontransaction work(connection_);
  work.exec_params(
      "INSERT INTO github.reconcile_validators (request_key, etag, last_modified, next_link) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT (request_key) DO UPDATE SET etag = excluded.etag, "
      "last_modified = excluded.last_modified, next_link = excluded.next_link, stored_at = now()",
      std::string(key), value.etag, value.last_modified, value.next_link);
}

bool add_target(pqxx::connection& connection, const reconcile_target& target,
                const std::string& added_by) {
  pqxx::nontransaction work(connection);
  return work.exec_params("INSERT INTO github.reconcile_targets (target, added_by) VALUES ($1, $2) "
                          "ON CONFLICT (target) DO NOTHING",
                          target.text(), added_by)
             .affected_rows() == 1;
}

bool remove_target(pqxx::connection& connection, const reconcile_target& target) {
  pqxx::nontransaction work(connection);
  return work.exec_params("DELETE FROM github.reconcile_targets WHERE target = $1", target.text())
             .affected_rows() == 1;
}

std::vector<registered_target> list_targets(pqxx::connection& connection) {
  pqxx::nontransaction work(connection);
  std::vector<registered_target> targets;
  for (const auto& row : work.exec(
           "SELECT target, added_by, to_char(added_at AT TIME ZONE 'UTC', "
           "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM github.reconcile_targets ORDER BY target"))
    targets.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
  return targets;
}

target_lock::target_lock(pqxx::connection& connection, const std::string& target)
    : connection_(connection), target_("tributary-reconciler:" + target) {
  pqxx::nontransaction work(connection_);
  held_ = work.exec_params1("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", target_)[0]
              .as<bool>();
}

target_lock::~target_lock() {
  if (!held_) return;
  try {
    pqxx::nontransaction work(connection_);
    work.exec_params("SELECT pg_advisory_unlock(hashtextextended($1, 0))", target_);
  } catch (const std::exception&) {
    // A broken connection released the lock with the session.
  }
}

void record_gap(run_record& record, const std::string& repository, const std::string& resource,
                std::int64_t count) {
  record.gaps[resource] += count;
  record.repository_gaps[{repository, resource}] += count;
}

namespace {

std::string gaps_json(const std::map<std::string, std::int64_t>& gaps) {
  std::string json = "{";
  for (const auto& [resource, count] : gaps) {
    if (json.size() > 1) json += ',';
    json += '"' + resource + "\":" + std::to_string(count);  // resource names are ours: no escaping
  }
  return json + "}";
}

}  // namespace

std::int64_t start_run(pqxx::connection& connection, const run_record& record) {
  pqxx::nontransaction work(connection);
  return work
      .exec_params1("INSERT INTO github.reconcile_runs (run_id, target, started_at, outcome) "
                    "VALUES ($1, $2, now(), 'running') RETURNING id",
                    record.run_id, record.target)[0]
      .as<std::int64_t>();
}

void finish_run(pqxx::connection& connection, std::int64_t id, const run_record& record) {
  pqxx::work work(connection);  // the row and its gaps by repository together
  work.exec_params(
      "UPDATE github.reconcile_runs SET finished_at = now(), outcome = $2, detail = nullif($3, ''), "
      "requests = $4, not_modified = $5, rate_limit_remaining = $6, gaps = $7::jsonb, "
      "events_published = $8, redeliveries = $9, duration_seconds = $10 WHERE id = $1",
      id, record.outcome, record.detail, record.requests, record.not_modified,
      record.rate_limit_remaining, gaps_json(record.gaps), record.events_published,
      record.redeliveries, record.duration_seconds);
  for (const auto& [key, count] : record.repository_gaps)
    if (count > 0)
      work.exec_params("INSERT INTO github.reconcile_repository_gaps (run_row, repository, resource, gaps) "
                       "VALUES ($1, $2, $3, $4)",
                       id, key.first, key.second, count);
  work.commit();
}

std::optional<std::string> find_watermark(pqxx::connection& connection, const std::string& target,
                                          const std::string& resource) {
  pqxx::nontransaction work(connection);
  const auto rows = work.exec_params(
      "SELECT watermark FROM github.reconcile_watermarks WHERE target = $1 AND resource = $2",
      target, resource);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

void save_watermark(pqxx::connection& connection, const std::string& target,
                    const std::string& resource, const std::string& watermark) {
  pqxx::nontransaction work(connection);
  work.exec_params(
      "INSERT INTO github.reconcile_watermarks (target, resource, watermark) VALUES ($1, $2, $3) "
      "ON CONFLICT (target, resource) DO UPDATE SET watermark = excluded.watermark, "
      "updated_at = now()",
      target, resource, watermark);
}

}  // namespace tributary::reconciler
