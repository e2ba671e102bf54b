#include "workers/database_wait.hpp"

#include "workers/pg_failure.hpp"

#include <algorithm>
#include <thread>

namespace tributary::workers {

bool wait_for_database(const std::string& url, pg_session& session,
                       std::span<const core::migration> migrations,
                       const std::atomic<bool>& stopping, const core::logger& log,
                       database_wait_options options) {
  auto backoff = options.initial_backoff;
  const auto started = std::chrono::steady_clock::now();
  for (int attempt = 1;; ++attempt) {
    try {
      {
        pqxx::connection check(url);
        core::require_current_schema(check, migrations);
      }
      session.connection();
      if (attempt > 1) {
        const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - started;
        log.info("database available", {{"attempts", attempt}, {"waited_seconds", waited.count()}});
      }
      return true;
    } catch (const core::migration_error&) {
      throw;
    } catch (const std::exception& error) {
      const auto kind = classify_failure(error);
      if (kind != failure_kind::connection && kind != failure_kind::transient) throw;
      session.reset();
      log.warning("database unavailable at start, waiting",
                  {{"reason", failure_reason(error)}, {"attempt", attempt},
                   {"wait_ms", static_cast<std::int64_t>(backoff.count())}});
    }
    const auto until = std::chrono::steady_clock::now() + backoff;
    while (std::chrono::steady_clock::now() < until) {
      if (stopping.load()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (stopping.load()) return false;
    backoff = std::min(backoff * 2, options.max_backoff);
  }
}

}  // namespace tributary::workers
