#pragma once

#include "core/log.hpp"
#include "core/migrations.hpp"
#include "workers/pg_session.hpp"

#include <atomic>
#include <chrono>
#include <span>
#include <string>

namespace tributary::workers {

/// How the worker waits for its database at start.
struct database_wait_options {
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{10'000};
};

/// Waits until the database at `url` is reachable and at exactly `migrations`, then opens the
/// session's connection (preparing its statements). While PostgreSQL is unavailable (a connection
/// refused or broken, a database that does not exist yet, a transient failure), logs each wait
/// at warning with its reason and waits, doubling from `initial_backoff` to `max_backoff`, for as
/// long as it takes: a worker started before its database neither exits nor crash-loops.
/// Returns false when `stopping` became true meanwhile. A schema that differs throws
/// core::migration_error at once; an error of any other kind (a program defect) propagates.
/// The schema is checked on a connection of its own first, so that a database that was never
/// migrated reads as a schema mismatch, not as a failed prepare. One thread.
bool wait_for_database(const std::string& url, pg_session& session,
                       std::span<const core::migration> migrations,
                       const std::atomic<bool>& stopping, const core::logger& log,
                       database_wait_options options);

}  // namespace tributary::workers
