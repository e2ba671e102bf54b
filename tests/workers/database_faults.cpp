#include "tests/workers/database_faults.hpp"

#include "tests/workers/analytics_snapshot.hpp"

namespace tributary::testing {

table_lock::table_lock(const std::string& url, const std::string& table) : connection_(url) {
  work_ = std::make_unique<pqxx::work>(connection_);
  // The test's own session waits as long as it takes for a batch in flight to finish.
  work_->exec("SET LOCAL lock_timeout = 0");
  work_->exec("LOCK TABLE " + table + " IN EXCLUSIVE MODE");
}

table_lock::~table_lock() { release(); }

void table_lock::release() {
  if (!work_) return;
  work_->abort();
  work_.reset();
}

long long worker_backends_waiting_on_locks(const std::string& url) {
  return count_of(url,
                  "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND application_name = 'tributary-worker' AND wait_event_type = 'Lock'");
}

long long terminate_worker_backends(const std::string& url) {
  return count_of(url,
                  "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                  "WHERE application_name = 'tributary-worker' AND datname = current_database()");
}

}  // namespace tributary::testing
