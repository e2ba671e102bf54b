#pragma once

#include "reconciler/bookkeeping.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace tributary::reconciler {

/// The reconciler's Prometheus metrics, created once on the metrics server's registry. `record`
/// adds one finished run of one target; one thread at a time (the run loop).
class reconciler_metrics {
 public:
  explicit reconciler_metrics(prometheus::Registry& registry);
  void record(const run_record& run);

 private:
  prometheus::Counter& requests_;
  prometheus::Counter& not_modified_;
  prometheus::Gauge& rate_limit_remaining_;
  prometheus::Family<prometheus::Counter>& gaps_;
  prometheus::Counter& events_published_;
  prometheus::Counter& redeliveries_;
  prometheus::Counter& redeliveries_refused_;
  prometheus::Family<prometheus::Counter>& hook_sweeps_;
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Gauge& run_duration_;
  prometheus::Gauge& last_success_;
};

}  // namespace tributary::reconciler
