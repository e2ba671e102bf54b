#pragma once

#include "ingest/ingest_settings.hpp"

namespace tributary::ingest {

/// Runs tributary-ingest until SIGTERM or SIGINT: the metrics endpoint, the producer, the
/// readiness probe and the listener on `config.threads` I/O threads. On the signal /readyz fails
/// at once while ingest keeps serving for INGEST_DRAIN_PERIOD; then it stops accepting, waits (at
/// most INGEST_SHUTDOWN_GRACE) until every request read has been answered from its delivery
/// report, flushes the producer and returns 0. A fatal producer error does the same without the
/// drain and returns 1. Throws core::settings_error when an address or a TLS file can't be used.
/// Call from the main thread, once.
int run_ingest(const ingest_config& config);

}  // namespace tributary::ingest
