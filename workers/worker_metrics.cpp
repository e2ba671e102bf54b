#include "workers/worker_metrics.hpp"

#include "workers/folds/fold.hpp"

namespace tributary::workers {
namespace {

prometheus::Counter& counter(prometheus::Registry& registry, const std::string& name,
                             const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

worker_metrics::worker_metrics(prometheus::Registry& registry)
    : folded_(prometheus::BuildCounter()
                  .Name("tributary_worker_events_folded_total")
                  .Help("Deliveries folded into entities, by event type (committed).")
                  .Register(registry)),
      skipped_(counter(registry, "tributary_worker_events_skipped_total",
                       "Deliveries of event types the worker does not fold, kept raw.")),
      duplicates_(counter(registry, "tributary_worker_duplicate_deliveries_total",
                          "Deliveries whose id the ledger already held: nothing folded.")),
      dead_letters_(prometheus::BuildCounter()
                        .Name("tributary_worker_dead_letters_total")
                        .Help("Messages written to github.dead_letters, by cause "
                              "(envelope, payload, database).")
                        .Register(registry)),
      retries_(prometheus::BuildCounter()
                   .Name("tributary_worker_transaction_retries_total")
                   .Help("Database attempts retried, by kind (transient, connection).")
                   .Register(registry)),
      splits_(counter(registry, "tributary_worker_batch_splits_total",
                      "Times a failing run of messages was split to isolate a bad one.")),
      raw_expired_(counter(registry, "tributary_worker_raw_expired_total",
                           "Raw payloads older than RAW_RETENTION_MONTHS, not stored.")),
      partitions_dropped_(counter(registry, "tributary_worker_raw_partitions_dropped_total",
                                  "Monthly partitions of github.webhook_events dropped.")),
      offset_resets_(counter(registry, "tributary_worker_offset_resets_total",
                             "Times a partition's position had been deleted by retention and was "
                             "reset: an alert, messages were never read.")),
      messages_skipped_(counter(registry, "tributary_worker_messages_skipped_total",
                                "Messages those offset resets jumped over, never folded.")),
      offset_commit_failures_(counter(registry, "tributary_worker_offset_commit_failures_total",
                                      "Offset commits that failed after the batch committed "
                                      "(its messages will be read again, harmlessly).")),
      batch_messages_(prometheus::BuildHistogram()
                          .Name("tributary_worker_batch_messages")
                          .Help("Messages per applied batch.")
                          .Register(registry)
                          .Add({}, prometheus::Histogram::BucketBoundaries{1, 5, 10, 50, 100, 250,
                                                                           500, 1000, 2000})),
      batch_seconds_(prometheus::BuildHistogram()
                         .Name("tributary_worker_batch_duration_seconds")
                         .Help("Time to apply and commit one batch.")
                         .Register(registry)
                         .Add({}, prometheus::Histogram::BucketBoundaries{
                                      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})),
      lag_(prometheus::BuildGauge()
               .Name("tributary_worker_consumer_lag_messages")
               .Help("Messages between the consumer's position and the partition's end.")
               .Register(registry)) {
  for (const auto name : folded_event_names()) folded_.Add({{"event", std::string(name)}});
  for (const char* cause : {"envelope", "payload", "database"}) dead_letters_.Add({{"cause", cause}});
  for (const char* kind : {"transient", "connection"}) retries_.Add({{"kind", kind}});
}

void worker_metrics::record(const batch_outcome& outcome, std::size_t messages, double seconds) {
  for (const auto& [event, count] : outcome.folded)
    folded_.Add({{"event", event}}).Increment(static_cast<double>(count));
  skipped_.Increment(static_cast<double>(outcome.skipped));
  duplicates_.Increment(static_cast<double>(outcome.duplicates));
  for (const auto& [cause, count] : outcome.dead_letters)
    dead_letters_.Add({{"cause", cause}}).Increment(static_cast<double>(count));
  splits_.Increment(static_cast<double>(outcome.splits));
  raw_expired_.Increment(static_cast<double>(outcome.raw_expired));
  batch_messages_.Observe(static_cast<double>(messages));
  batch_seconds_.Observe(seconds);
}

void worker_metrics::set_lag(const std::string& topic, std::int32_t partition, std::int64_t lag) {
  lag_.Add({{"topic", topic}, {"partition", std::to_string(partition)}}).Set(static_cast<double>(lag));
}

void worker_metrics::forget_partition(const std::string& topic, std::int32_t partition) {
  lag_.Remove(&lag_.Add({{"topic", topic}, {"partition", std::to_string(partition)}}));
}

}  // namespace tributary::workers
