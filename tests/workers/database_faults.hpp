#pragma once

#include <pqxx/pqxx>

#include <memory>
#include <string>

namespace tributary::testing {

/// Holds `LOCK TABLE name IN EXCLUSIVE MODE` in an open transaction of its own connection, so
/// that a worker's batch (which inserts into the table) waits mid-transaction until release()
/// or destruction. Owns the connection; one thread.
class table_lock {
 public:
  table_lock(const std::string& url, const std::string& table);
  ~table_lock();
  table_lock(const table_lock&) = delete;
  table_lock& operator=(const table_lock&) = delete;

  /// Rolls back, which lets the waiting batch go on (idempotent).
  void release();

 private:
  pqxx::connection connection_;
  std::unique_ptr<pqxx::work> work_;
};

/// Backends of tributary-worker (application_name) in the database at `url` waiting on a lock.
long long worker_backends_waiting_on_locks(const std::string& url);

/// Terminates every tributary-worker backend of the database at `url` (what a PostgreSQL restart
/// or a failover does to it); returns how many there were.
long long terminate_worker_backends(const std::string& url);

}  // namespace tributary::testing
