#pragma once

#include "core/kafka_consumer.hpp"
#include "core/log.hpp"
#include "workers/batch_applier.hpp"
#include "workers/incoming_message.hpp"
#include "workers/pg_session.hpp"
#include "workers/raw_retention.hpp"
#include "workers/worker_metrics.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tributary::workers {

/// Copies a librdkafka message into a plain incoming_message (non-const: librdkafka parses the
/// headers lazily).
incoming_message to_incoming(RdKafka::Message& message);

/// The worker's consuming thread: poll a batch, apply it (one transaction, see batch_applier),
/// and only then commit its offsets. Messages of partitions revoked while they were being fetched
/// are dropped unapplied (their new owner reads them from the committed offset). When `stopping`
/// becomes true, the batch in hand is finished and committed, then the consumer leaves the group.
/// Also keeps the raw-event partitions (at start and every `maintenance_interval`) and the lag
/// gauges. Owns the consumer; run() on one thread.
class consumer_loop {
 public:
  struct options {
    std::size_t batch_size = 500;
    std::chrono::milliseconds batch_wait{200};
    std::chrono::milliseconds maintenance_interval{std::chrono::hours(1)};
  };

  consumer_loop(const std::map<std::string, std::string>& kafka_properties, const std::string& topic,
                pg_session& session, raw_retention& retention, batch_applier& applier,
                worker_metrics& metrics, const std::atomic<bool>& stopping, core::logger log,
                options settings);

  /// Runs until `stopping`. Throws what the applier can't handle (a fatal error): the offsets of
  /// the batch in hand are then not committed.
  void run();

 private:
  using partition_key = std::pair<std::string, std::int32_t>;

  void on_rebalance(RdKafka::ErrorCode event, const std::vector<RdKafka::TopicPartition*>& partitions);
  void maintain_raw_partitions();
  void update_lag();
  /// Moves the consumer's offset-reset counts (an alert) into the metrics.
  void report_offset_resets();

  pg_session& session_;
  raw_retention& retention_;
  batch_applier& applier_;
  worker_metrics& metrics_;
  const std::atomic<bool>& stopping_;
  core::logger log_;
  options options_;
  std::set<partition_key> assigned_;  // before consumer_: its callback writes here
  // Where an assigned partition from which nothing was consumed yet starts (its committed offset,
  // or -1: from the low watermark), so that its lag is known too; looked up once per assignment.
  std::map<partition_key, std::int64_t> start_offsets_;
  std::uint64_t reported_resets_ = 0;
  std::uint64_t reported_skipped_ = 0;
  std::unique_ptr<core::kafka_consumer> consumer_;
  std::chrono::steady_clock::time_point next_maintenance_{};
  std::chrono::steady_clock::time_point next_lag_update_{};
};

}  // namespace tributary::workers
