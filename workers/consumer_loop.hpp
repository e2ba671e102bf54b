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
#include <deque>
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
/// and only then commit its offsets — of the partitions this member still owns. Messages of
/// partitions revoked while they were being fetched are dropped unapplied (their new owner reads
/// them from the committed offset). When `stopping` becomes true, the batch in hand is finished
/// and committed, then the consumer leaves the group.
///
/// While the database fails, the applier's pauses between attempts are spent here: every
/// assigned partition (and any assigned meanwhile) is paused and the consumer keeps polling, so
/// that the member stays in its group however long the outage lasts (max.poll.interval.ms never
/// passes without a poll); whatever a poll still returns is held and applied after the batch in
/// hand, in order; once the batch commits, the partitions are resumed. `ready` is false from the
/// first failed attempt until a batch (or, when idle, a probe every `idle_check_interval`)
/// reaches the database again.
///
/// Also keeps the raw-event partitions (at start and every `maintenance_interval`) and the lag
/// gauges. Owns the consumer and the applier; run() on one thread.
class consumer_loop {
 public:
  struct options {
    std::size_t batch_size = 500;
    std::chrono::milliseconds batch_wait{200};
    std::chrono::milliseconds maintenance_interval{std::chrono::hours(1)};
    std::chrono::milliseconds idle_check_interval{std::chrono::seconds(5)};
  };

  /// `applier_settings.wait` is replaced by the loop's own (pause, poll, hold).
  consumer_loop(const std::map<std::string, std::string>& kafka_properties, const std::string& topic,
                pg_session& session, raw_retention& retention,
                batch_applier::options applier_settings, worker_metrics& metrics,
                const std::atomic<bool>& stopping, std::atomic<bool>& ready, core::logger log,
                options settings);

  /// Runs until `stopping`. Throws what the applier can't handle (a fatal error): the offsets of
  /// the batch in hand are then not committed.
  void run();

 private:
  using partition_key = std::pair<std::string, std::int32_t>;
  using message_ptr = core::kafka_consumer::message_ptr;

  void on_rebalance(RdKafka::ErrorCode event, const std::vector<RdKafka::TopicPartition*>& partitions);
  /// The applier's pause between attempts: partitions paused, polling on, messages held.
  void wait_for_database(std::chrono::milliseconds duration);
  void pause_partitions();
  void resume_partitions();
  /// The next batch: held messages first (in the order polled), else a poll.
  std::vector<message_ptr> next_batch();
  void database_reached();
  void database_failed(const std::string& reason);
  void check_database_when_idle();
  void maintain_raw_partitions();
  void update_lag();
  /// Moves the consumer's offset-reset counts (an alert) into the metrics.
  void report_offset_resets();

  pg_session& session_;
  raw_retention& retention_;
  worker_metrics& metrics_;
  const std::atomic<bool>& stopping_;
  std::atomic<bool>& ready_;
  core::logger log_;
  options options_;
  batch_applier applier_;
  std::set<partition_key> assigned_;  // before consumer_: its callback writes here
  // Where an assigned partition from which nothing was consumed yet starts (its committed offset,
  // or -1: from the low watermark), so that its lag is known too; looked up once per assignment.
  std::map<partition_key, std::int64_t> start_offsets_;
  bool paused_ = false;  // every assigned partition paused while the database fails
  std::deque<message_ptr> held_;  // polled while paused, applied next
  std::chrono::steady_clock::time_point outage_started_{};
  std::chrono::steady_clock::time_point last_database_contact_{};
  std::uint64_t reported_resets_ = 0;
  std::uint64_t reported_skipped_ = 0;
  std::unique_ptr<core::kafka_consumer> consumer_;
  std::chrono::steady_clock::time_point next_maintenance_{};
  std::chrono::steady_clock::time_point next_lag_update_{};
};

}  // namespace tributary::workers
