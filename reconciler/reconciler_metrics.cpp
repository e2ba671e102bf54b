#include "reconciler/reconciler_metrics.hpp"

#include <chrono>

namespace tributary::reconciler {
namespace {

prometheus::Counter& counter(prometheus::Registry& registry, const std::string& name,
                             const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

prometheus::Gauge& gauge(prometheus::Registry& registry, const std::string& name,
                         const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

reconciler_metrics::reconciler_metrics(prometheus::Registry& registry)
    : requests_(counter(registry, "tributary_reconciler_requests_total",
                        "Answers from GitHub's REST API, 304s included.")),
      not_modified_(counter(registry, "tributary_reconciler_not_modified_total",
                            "Answers 304 to conditional requests: free of rate limit.")),
      rate_limit_remaining_(gauge(registry, "tributary_reconciler_rate_limit_remaining",
                                  "x-ratelimit-remaining of the latest answer.")),
      gaps_(prometheus::BuildCounter()
                .Name("tributary_reconciler_gaps_total")
                .Help("Entities found missing or stale in the database, by resource.")
                .Register(registry)),
      events_published_(counter(registry, "tributary_reconciler_events_published_total",
                                "Synthetic events the broker acknowledged.")),
      redeliveries_(counter(registry, "tributary_reconciler_redeliveries_total",
                            "Failed webhook deliveries GitHub accepted to redeliver "
                            "(POST .../deliveries/{id}/attempts answered 202).")),
      redeliveries_refused_(counter(registry, "tributary_reconciler_redeliveries_refused_total",
                                    "Redeliveries GitHub refused (404/422: e.g. past its 3-day "
                                    "window); not asked again.")),
      hook_sweeps_(prometheus::BuildCounter()
                       .Name("tributary_reconciler_hook_sweeps_total")
                       .Help("Failed-delivery sweeps of RECONCILE_HOOKS hooks, by how they ended "
                             "(complete, budget_exhausted, rate_limited, failed, skipped_locked).")
                       .Register(registry)),
      runs_(prometheus::BuildCounter()
                .Name("tributary_reconciler_runs_total")
                .Help("Runs of one target, by outcome (complete, budget_exhausted, "
                      "skipped_locked, not_found, stopped, failed).")
                .Register(registry)),
      run_duration_(gauge(registry, "tributary_reconciler_run_duration_seconds",
                          "Duration of the latest run of a target.")),
      last_success_(gauge(registry, "tributary_reconciler_last_success_timestamp_seconds",
                          "When a run of a target last ended complete (Unix time).")) {
  // Every outcome and end exists from the start, at 0, so that an alert's increase() sees the
  // first failure instead of a series that appears with it.
  for (const char* outcome : {"complete", "budget_exhausted", "skipped_locked", "not_found", "stopped", "failed"})
    runs_.Add({{"outcome", outcome}});
  for (const char* end : {"complete", "budget_exhausted", "rate_limited", "failed", "skipped_locked"})
    hook_sweeps_.Add({{"end", end}});
}

void reconciler_metrics::record(const run_record& run) {
  requests_.Increment(static_cast<double>(run.requests));
  not_modified_.Increment(static_cast<double>(run.not_modified));
  if (run.rate_limit_remaining) rate_limit_remaining_.Set(static_cast<double>(*run.rate_limit_remaining));
  for (const auto& [resource, count] : run.gaps)
    gaps_.Add({{"resource", resource}}).Increment(static_cast<double>(count));
  events_published_.Increment(static_cast<double>(run.events_published));
  redeliveries_.Increment(static_cast<double>(run.redeliveries));
  redeliveries_refused_.Increment(static_cast<double>(run.redeliveries_refused));
  for (const auto& [end, count] : run.hook_sweeps)
    hook_sweeps_.Add({{"end", end}}).Increment(static_cast<double>(count));
  runs_.Add({{"outcome", run.outcome}}).Increment();
  run_duration_.Set(run.duration_seconds);
  if (run.outcome == "complete")
    last_success_.Set(std::chrono::duration<double>(
                          std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace tributary::reconciler
