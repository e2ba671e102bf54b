#pragma once

#include "workers/batch_applier.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <string>

namespace tributary::workers {

/// The worker's Prometheus metrics, created once at start-up on a registry that outlives this.
/// Labels are low-cardinality: event type (the folded ones), cause, retry kind, partition.
/// record() and set_lag() are called from the consuming thread; prometheus-cpp makes scraping
/// from the exposer's threads safe.
class worker_metrics {
 public:
  explicit worker_metrics(prometheus::Registry& registry);

  /// Counts what one committed batch did (its retries were counted as they happened).
  void record(const batch_outcome& outcome, std::size_t messages, double seconds);
  /// One database attempt retried (kind: transient, connection).
  void retried(const std::string& kind) { retries_.Add({{"kind", kind}}).Increment(); }
  void set_lag(const std::string& topic, std::int32_t partition, std::int64_t lag);
  void forget_partition(const std::string& topic, std::int32_t partition);
  void offset_commit_failed() { offset_commit_failures_.Increment(); }
  void offsets_reset(std::uint64_t resets, std::uint64_t skipped) {
    offset_resets_.Increment(static_cast<double>(resets));
    messages_skipped_.Increment(static_cast<double>(skipped));
  }
  void partitions_dropped(std::size_t count) { partitions_dropped_.Increment(static_cast<double>(count)); }

 private:
  prometheus::Family<prometheus::Counter>& folded_;
  prometheus::Counter& skipped_;
  prometheus::Counter& duplicates_;
  prometheus::Family<prometheus::Counter>& dead_letters_;
  prometheus::Family<prometheus::Counter>& retries_;
  prometheus::Counter& splits_;
  prometheus::Counter& raw_expired_;
  prometheus::Counter& partitions_dropped_;
  prometheus::Counter& offset_resets_;
  prometheus::Counter& messages_skipped_;
  prometheus::Counter& offset_commit_failures_;
  prometheus::Histogram& batch_messages_;
  prometheus::Histogram& batch_seconds_;
  prometheus::Family<prometheus::Gauge>& lag_;
};

}  // namespace tributary::workers
