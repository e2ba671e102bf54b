// tributary-worker: folds the deliveries of the Kafka topic into PostgreSQL, exactly once.
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/migrations.hpp"
#include "core/settings.hpp"
#include "schemas/embedded_migrations.hpp"
#include "workers/batch_applier.hpp"
#include "workers/consumer_loop.hpp"
#include "workers/database_wait.hpp"
#include "workers/folds/fold.hpp"
#include "workers/pg_failure.hpp"
#include "workers/refold.hpp"
#include "workers/worker_metrics.hpp"
#include "workers/worker_settings.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <malloc.h>
#include <string_view>

namespace {

std::atomic<bool> stopping{false};

extern "C" void request_stop(int) { stopping.store(true); }

bool asks_for_refold(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--refold") return true;
  return false;
}

/// tributary-worker --refold: one refold (workers/refold.hpp), then exit. 0 once swapped; 1 with
/// one line on stderr when refused (what is missing) or failed; 2 for a bad setting.
int run_refold(int argc, char** argv) {
  using namespace tributary;
  const auto specs = workers::refold_setting_specs();
  const std::vector<core::flag_spec> flags{workers::refold_flag()};
  const auto config = core::settings::load_or_exit(
      "tributary-worker",
      "with --refold, rebuilds every derived table of schema github from the raw deliveries kept in "
      "github.webhook_events, into a fresh schema, and swaps them in in one transaction while "
      "live workers keep folding.",
      specs, argc, argv, flags);
  const core::logger log("worker");
  try {
    const auto batch_size = config.get_int("REFOLD_BATCH_SIZE");
    if (batch_size < 1) throw core::settings_error("REFOLD_BATCH_SIZE must be at least 1");
    const auto interval = config.get_duration("REFOLD_PROGRESS_INTERVAL");
    std::signal(SIGTERM, request_stop);
    std::signal(SIGINT, request_stop);
    {
      // The same check the worker makes: never refold with folds of another schema version.
      pqxx::connection connection(config.get("DATABASE_URL"));
      core::require_current_schema(connection, schemas::all_migrations());
    }
    workers::refold(config.get("DATABASE_URL"),
                    {static_cast<std::size_t>(batch_size), interval, {}}, stopping, log);
    return 0;
  } catch (const core::settings_error& error) {
    std::cerr << "tributary-worker: " << error.what() << '\n';
    return 2;
  } catch (const workers::refold_refused& error) {
    std::cerr << "tributary-worker: " << error.what() << '\n';
    return 1;
  } catch (const core::migration_error& error) {
    std::cerr << "tributary-worker: " << error.what() << '\n';
    return 1;
  } catch (const std::exception& error) {
    const auto reason = workers::failure_reason(error);
    log.error("refold failed", {{"reason", reason}});
    std::cerr << "tributary-worker: refold failed, live tables unchanged: " << reason << '\n';
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tributary;
  // Each batch allocates and frees tens of MB (the bodies' copies, their parsed documents, the
  // COPY lines), two batches at a time. With glibc's defaults the freed top of the heap went back
  // to the kernel after every batch and was faulted in again by the next (page faults were a
  // tenth of the worker's CPU, bench/worker): keep up to 256 MB, and allocate blocks below 64 MB
  // from the heap rather than by mmap.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  if (asks_for_refold(argc, argv)) return run_refold(argc, argv);
  const auto specs = workers::worker_setting_specs();
  const std::vector<core::flag_spec> flags{workers::refold_flag()};
  const auto config = core::settings::load_or_exit(
      "tributary-worker",
      "Consumes the GitHub webhook topic in a consumer group and folds every delivery into "
      "PostgreSQL exactly once.",
      specs, argc, argv, flags);
  const core::logger log("worker");
  try {
    const auto batch_size = config.get_int("WORKER_BATCH_SIZE");
    const auto retention_months = config.get_int("RAW_RETENTION_MONTHS");
    if (batch_size < 1) throw core::settings_error("WORKER_BATCH_SIZE must be at least 1");
    if (retention_months < 0) throw core::settings_error("RAW_RETENTION_MONTHS must be 0 or more");

    std::signal(SIGTERM, request_stop);
    std::signal(SIGINT, request_stop);

    core::metrics_server metrics_server(config.get("METRICS_LISTEN"));
    workers::worker_metrics metrics(metrics_server.registry());
    // Not ready until the database is reached, and whenever it fails later (consumer_loop).
    std::atomic<bool> ready{false};
    metrics_server.set_readiness([&ready] { return ready.load(); });
    log.info("serving metrics and health",
             {{"metrics_port", static_cast<std::int64_t>(metrics_server.port())}});

    const auto max_backoff = config.get_duration("WORKER_RETRY_MAX_BACKOFF");
    workers::pg_session session(config.get("DATABASE_URL"), [](pqxx::connection& connection) {
      workers::prepare_fold_statements(connection);
      workers::batch_applier::prepare(connection);
    });
    // Waits for PostgreSQL however long it is away; never runs against a schema this build
    // does not know (core::migration_error, exit 1).
    if (!workers::wait_for_database(config.get("DATABASE_URL"), session, schemas::all_migrations(),
                                    stopping, log,
                                    {std::chrono::milliseconds(500),
                                     std::max(max_backoff, std::chrono::milliseconds(500))})) {
      log.info("stopped before the database was available");
      return 0;
    }
    ready = true;

    workers::raw_retention retention(static_cast<int>(retention_months));
    auto kafka = config.kafka_properties();
    kafka["group.id"] = config.get("WORKER_GROUP_ID");
    if (!kafka.contains("client.id")) kafka["client.id"] = "tributary-worker";
    workers::consumer_loop loop(
        kafka, config.get("KAFKA_TOPIC"), session, retention,
        {std::chrono::milliseconds(100), max_backoff,
         [&metrics](const std::string& kind) { metrics.retried(kind); }, {}},
        metrics, stopping, ready, log,
        {static_cast<std::size_t>(batch_size), config.get_duration("WORKER_BATCH_WAIT"),
         std::chrono::hours(1), std::chrono::seconds(5)});
    log.info("started", {{"topic", config.get("KAFKA_TOPIC")},
                         {"group", config.get("WORKER_GROUP_ID")},
                         {"metrics_port", static_cast<std::int64_t>(metrics_server.port())}});
    loop.run();
    log.info("stopped");
    return 0;
  } catch (const core::settings_error& error) {
    std::cerr << "tributary-worker: " << error.what() << '\n';
    return 2;
  } catch (const core::migration_error& error) {
    log.error("schema mismatch", {{"reason", error.what()}});
    std::cerr << "tributary-worker: " << error.what() << '\n';
    return 1;
  } catch (const std::exception& error) {
    log.error("fatal", {{"reason", workers::failure_reason(error)}});
    return 1;
  }
}
