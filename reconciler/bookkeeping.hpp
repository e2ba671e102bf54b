#pragma once

#include "reconciler/reconcile_settings.hpp"
#include "reconciler/validator_store.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tributary::reconciler {

/// Validators in github.reconcile_validators, so that they outlive the process and the next run's
/// GETs are conditional. Borrows `connection` (one thread at a time, like the client).
class pg_validator_store final : public validator_store {
 public:
  explicit pg_validator_store(pqxx::connection& connection) : connection_(connection) {}
  std::optional<validators> find(std::string_view key) override;
  void remember(std::string_view key, const validators& value) override;

 private:
  pqxx::connection& connection_;
};

/// github.reconcile_targets, as `tributary-reconciler targets add|list|remove` manages it.
struct registered_target {
  std::string target;
  std::string added_by;
  std::string added_at;
};
bool add_target(pqxx::connection& connection, const reconcile_target& target, const std::string& added_by);
bool remove_target(pqxx::connection& connection, const reconcile_target& target);
std::vector<registered_target> list_targets(pqxx::connection& connection);

/// A PostgreSQL session-level advisory lock on one target (pg_try_advisory_lock of the target's
/// hash), so that two reconcilers never work one target at once. Released by the destructor.
/// `hook_lock_name(h)` in place of a target locks one hook's sweep the same way (a name with a
/// space, which no target has).
class target_lock {
 public:
  target_lock(pqxx::connection& connection, const std::string& target);
  ~target_lock();
  target_lock(const target_lock&) = delete;
  target_lock& operator=(const target_lock&) = delete;
  bool held() const { return held_; }

 private:
  pqxx::connection& connection_;
  std::string target_;
  bool held_ = false;
};

/// What one run did for one target: one github.reconcile_runs row.
struct run_record {
  std::string run_id;
  std::string target;
  std::string outcome = "running";
  std::string detail;
  std::int64_t requests = 0;
  std::int64_t not_modified = 0;
  std::optional<std::int64_t> rate_limit_remaining;
  std::map<std::string, std::int64_t> gaps;  // resource → entities found missing or stale
  // (repository full name, resource) → the same gaps by repository, for the coverage view
  std::map<std::pair<std::string, std::string>, std::int64_t> repository_gaps;
  std::int64_t events_published = 0;
  std::int64_t redeliveries = 0;          // POST …/attempts GitHub accepted, by the hook sweeps of this row
  std::int64_t redeliveries_refused = 0;  // POST …/attempts GitHub refused (404/422)
  std::map<std::string, std::int64_t> hook_sweeps;  // how each sweep of this row ended → count
  double duration_seconds = 0;
};
/// Counts `count` entities of `resource` in `repository` (a full name) found missing or stale,
/// in the run's totals and by repository. Every resource reports its gaps through this.
void record_gap(run_record& record, const std::string& repository, const std::string& resource,
                std::int64_t count = 1);

/// Inserts the row of a run that starts now; returns its id.
std::int64_t start_run(pqxx::connection& connection, const run_record& record);
/// Finishes the row `id` with `record`, and writes its gaps by repository
/// (github.reconcile_repository_gaps, for admin.webhook_coverage) in the same transaction.
void finish_run(pqxx::connection& connection, std::int64_t id, const run_record& record);

/// github.reconcile_watermarks: a text per target and resource.
std::optional<std::string> find_watermark(pqxx::connection& connection, const std::string& target,
                                          const std::string& resource);
void save_watermark(pqxx::connection& connection, const std::string& target,
                    const std::string& resource, const std::string& watermark);

}  // namespace tributary::reconciler
