#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string_view>

namespace tributary::ingest {

/// Ingest's Prometheus series, created once at start-up on a registry that outlives this object.
/// prometheus-cpp series are thread-safe: any thread updates them.
struct ingest_metrics {
  explicit ingest_metrics(prometheus::Registry& registry);

  /// tributary_ingest_requests_total{event, status_class}. `event` is a validated event name from
  /// a correctly signed request, else "none", so a client can't create series at will.
  void count_request(std::string_view event, unsigned status);

  prometheus::Family<prometheus::Counter>& requests;
  /// tributary_ingest_signature_failures_total{reason}: "missing" or "mismatch".
  prometheus::Family<prometheus::Counter>& signature_failures;
  prometheus::Counter& signature_missing;
  prometheus::Counter& signature_mismatch;
  prometheus::Counter& body_bytes;
  prometheus::Histogram& publish_latency;
  prometheus::Gauge& in_flight;
  prometheus::Gauge& producer_queue;
  prometheus::Gauge& open_connections;
  prometheus::Counter& refused_connections;
  prometheus::Gauge& broker_ready;
  prometheus::Gauge& body_bytes_held;
  prometheus::Counter& budget_refusals;
  prometheus::Counter& accept_failures;
};

}  // namespace tributary::ingest
