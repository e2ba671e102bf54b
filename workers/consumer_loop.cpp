#include "workers/consumer_loop.hpp"

#include "workers/pg_failure.hpp"

#include <algorithm>

namespace tributary::workers {

incoming_message to_incoming(RdKafka::Message& message) {
  incoming_message copy;
  copy.topic = message.topic_name();
  copy.partition = message.partition();
  copy.offset = message.offset();
  const auto timestamp = message.timestamp();
  if (timestamp.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE)
    copy.timestamp_ms = timestamp.timestamp;
  if (const auto* headers = message.headers()) {
    for (const auto& header : headers->get_all()) {
      std::optional<std::string> value;
      if (header.value() != nullptr)
        value.emplace(static_cast<const char*>(header.value()), header.value_size());
      copy.headers.emplace_back(header.key(), std::move(value));
    }
  }
  if (message.payload() != nullptr)
    copy.value.emplace(static_cast<const char*>(message.payload()), message.len());
  return copy;
}

consumer_loop::consumer_loop(const std::map<std::string, std::string>& kafka_properties,
                             const std::string& topic, pg_session& session,
                             raw_retention& retention, batch_applier::options applier_settings,
                             worker_metrics& metrics, const std::atomic<bool>& stopping,
                             std::atomic<bool>& ready, core::logger log, options settings)
    : session_(session),
      retention_(retention),
      metrics_(metrics),
      stopping_(stopping),
      ready_(ready),
      log_(std::move(log)),
      options_(settings),
      applier_(session, retention, stopping, log_,
               [this, applier_settings]() mutable {
                 applier_settings.wait = [this](std::chrono::milliseconds duration) {
                   wait_for_database(duration);
                 };
                 return applier_settings;
               }()),
      consumer_(std::make_unique<core::kafka_consumer>(
          kafka_properties, std::vector<std::string>{topic},
          [this](RdKafka::ErrorCode event, const std::vector<RdKafka::TopicPartition*>& partitions) {
            on_rebalance(event, partitions);
          })) {}

void consumer_loop::on_rebalance(RdKafka::ErrorCode event,
                                 const std::vector<RdKafka::TopicPartition*>& partitions) {
  // Called inside a poll: between batches, or while the database fails and a batch is in hand
  // (wait_for_database); then its offsets are committed only for the partitions still owned.
  for (const auto* partition : partitions) {
    const partition_key key{partition->topic(), partition->partition()};
    if (event == RdKafka::ERR__ASSIGN_PARTITIONS) {
      assigned_.insert(key);
    } else {
      assigned_.erase(key);
      start_offsets_.erase(key);
      metrics_.forget_partition(key.first, key.second);
      // Their new owner reads them from the committed offset.
      std::erase_if(held_, [&](const message_ptr& message) {
        return message->topic_name() == key.first && message->partition() == key.second;
      });
    }
  }
  if (event == RdKafka::ERR__ASSIGN_PARTITIONS && paused_ && !partitions.empty()) {
    // Assigned during an outage: paused too, before anything is fetched for them.
    std::vector<RdKafka::TopicPartition*> added(partitions.begin(), partitions.end());
    if (const auto code = consumer_->handle().pause(added); code != RdKafka::ERR_NO_ERROR)
      log_.warning("pausing newly assigned partitions failed", {{"reason", RdKafka::err2str(code)}});
  }
}

void consumer_loop::pause_partitions() {
  std::vector<RdKafka::TopicPartition*> partitions;
  for (const auto& [topic, partition] : assigned_)
    partitions.push_back(RdKafka::TopicPartition::create(topic, partition));
  const auto code = consumer_->handle().pause(partitions);
  RdKafka::TopicPartition::destroy(partitions);
  if (code != RdKafka::ERR_NO_ERROR)
    log_.warning("pausing partitions failed", {{"reason", RdKafka::err2str(code)}});
  paused_ = true;
  log_.warning("database failing: partitions paused, polling on to stay in the group",
               {{"partitions", assigned_.size()}});
}

void consumer_loop::resume_partitions() {
  std::vector<RdKafka::TopicPartition*> partitions;
  for (const auto& [topic, partition] : assigned_)
    partitions.push_back(RdKafka::TopicPartition::create(topic, partition));
  // librdkafka fetches a resumed partition from the message after the last one consumed: what
  // was fetched but not consumed before the pause is fetched again, nothing is skipped.
  const auto code = consumer_->handle().resume(partitions);
  RdKafka::TopicPartition::destroy(partitions);
  if (code != RdKafka::ERR_NO_ERROR)
    log_.warning("resuming partitions failed", {{"reason", RdKafka::err2str(code)}});
  paused_ = false;
  log_.info("partitions resumed", {{"partitions", assigned_.size()}});
}

void consumer_loop::wait_for_database(std::chrono::milliseconds duration) {
  database_failed("a database attempt failed");
  if (!paused_) pause_partitions();
  const auto until = std::chrono::steady_clock::now() + duration;
  for (auto now = std::chrono::steady_clock::now(); now < until && !stopping_.load();
       now = std::chrono::steady_clock::now()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
    auto polled = consumer_->poll_batch(options_.batch_size,
                                        std::clamp(left, std::chrono::milliseconds(1),
                                                   std::chrono::milliseconds(200)));
    for (auto& message : polled)
      if (assigned_.contains({message->topic_name(), message->partition()}))
        held_.push_back(std::move(message));
    report_offset_resets();
    update_lag();
  }
}

void consumer_loop::database_reached() {
  last_database_contact_ = std::chrono::steady_clock::now();
  if (ready_.exchange(true)) return;
  const std::chrono::duration<double> took = last_database_contact_ - outage_started_;
  log_.info("database available again", {{"outage_seconds", took.count()}});
}

void consumer_loop::database_failed(const std::string& reason) {
  if (!ready_.exchange(false)) return;
  outage_started_ = std::chrono::steady_clock::now();
  log_.warning("database failing: not ready", {{"reason", reason}});
}

void consumer_loop::check_database_when_idle() {
  // With no batch to apply, nothing else would notice the database going away (or coming back).
  if (std::chrono::steady_clock::now() - last_database_contact_ < options_.idle_check_interval) return;
  try {
    pqxx::nontransaction probe(session_.connection());
    probe.exec("SELECT 1");
    database_reached();
  } catch (const std::exception& error) {
    if (classify_failure(error) == failure_kind::connection) session_.reset();
    last_database_contact_ = std::chrono::steady_clock::now();  // probe again after the interval
    database_failed(failure_reason(error));
  }
}

std::vector<consumer_loop::message_ptr> consumer_loop::next_batch() {
  if (held_.empty()) return consumer_->poll_batch(options_.batch_size, options_.batch_wait);
  std::vector<message_ptr> batch;
  while (!held_.empty() && batch.size() < options_.batch_size) {
    batch.push_back(std::move(held_.front()));
    held_.pop_front();
  }
  return batch;
}

void consumer_loop::maintain_raw_partitions() {
  try {
    const auto dropped = retention_.maintain(session_.connection(), std::chrono::system_clock::now());
    for (const auto& name : dropped) log_.info("raw event partition dropped", {{"partition_table", name}});
    metrics_.partitions_dropped(dropped.size());
    database_reached();
  } catch (const std::exception& error) {
    // Not worth stopping for: the next batch ensures what it needs, the next pass drops.
    if (classify_failure(error) == failure_kind::connection) {
      session_.reset();
      database_failed(failure_reason(error));
    }
    log_.warning("raw event partition maintenance failed", {{"reason", failure_reason(error)}});
  }
  next_maintenance_ = std::chrono::steady_clock::now() + options_.maintenance_interval;
}

void consumer_loop::report_offset_resets() {
  const auto resets = consumer_->offset_resets();
  const auto skipped = consumer_->messages_skipped();
  if (resets == reported_resets_ && skipped == reported_skipped_) return;
  metrics_.offsets_reset(resets - reported_resets_, skipped - reported_skipped_);
  reported_resets_ = resets;
  reported_skipped_ = skipped;
}

void consumer_loop::update_lag() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_lag_update_ || assigned_.empty()) return;
  next_lag_update_ = now + std::chrono::seconds(1);
  std::vector<RdKafka::TopicPartition*> positions;
  for (const auto& [topic, partition] : assigned_)
    positions.push_back(RdKafka::TopicPartition::create(topic, partition));
  auto& handle = consumer_->handle();
  if (handle.position(positions) == RdKafka::ERR_NO_ERROR) {
    // A partition nothing was consumed from has no position (an empty one, or one caught up
    // before this member got it): its lag counts from where the group's offset stands.
    std::vector<RdKafka::TopicPartition*> unknown;
    for (const auto* position : positions)
      if (position->offset() < 0 && !start_offsets_.contains({position->topic(), position->partition()}))
        unknown.push_back(RdKafka::TopicPartition::create(position->topic(), position->partition()));
    if (!unknown.empty() && handle.committed(unknown, 5000) == RdKafka::ERR_NO_ERROR) {
      for (const auto* committed : unknown)
        start_offsets_[{committed->topic(), committed->partition()}] =
            committed->offset() >= 0 ? committed->offset() : -1;
    }
    RdKafka::TopicPartition::destroy(unknown);

    for (const auto* position : positions) {
      std::int64_t low = 0, high = 0;
      if (handle.get_watermark_offsets(position->topic(), position->partition(), &low, &high) !=
              RdKafka::ERR_NO_ERROR ||
          high < 0)
        continue;
      std::int64_t from = position->offset();
      if (from < 0) {
        const auto start = start_offsets_.find({position->topic(), position->partition()});
        if (start == start_offsets_.end()) continue;  // not known yet: next time
        from = start->second >= 0 ? start->second : std::max<std::int64_t>(low, 0);
      }
      metrics_.set_lag(position->topic(), position->partition(),
                       std::max<std::int64_t>(0, high - from));
    }
  }
  RdKafka::TopicPartition::destroy(positions);
}

void consumer_loop::run() {
  maintain_raw_partitions();
  last_database_contact_ = std::chrono::steady_clock::now();
  log_.info("consuming", {{"batch_size", options_.batch_size},
                          {"batch_wait_ms", static_cast<std::int64_t>(options_.batch_wait.count())}});
  while (!stopping_.load()) {
    if (std::chrono::steady_clock::now() >= next_maintenance_) maintain_raw_partitions();
    auto polled = next_batch();
    report_offset_resets();
    update_lag();
    if (polled.empty()) {
      check_database_when_idle();
      continue;
    }

    std::vector<message_ptr> kept;
    std::vector<incoming_message> batch;
    kept.reserve(polled.size());
    batch.reserve(polled.size());
    for (auto& message : polled) {
      if (!assigned_.contains({message->topic_name(), message->partition()})) continue;
      batch.push_back(to_incoming(*message));
      kept.push_back(std::move(message));
    }
    if (batch.empty()) continue;

    const auto started = std::chrono::steady_clock::now();
    batch_outcome outcome;
    try {
      outcome = applier_.apply(batch);
    } catch (const apply_interrupted& interrupted) {
      log_.warning("stopping without applying the batch in hand",
                   {{"reason", interrupted.what()}, {"messages", batch.size()}});
      break;
    }
    database_reached();
    if (paused_) resume_partitions();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    metrics_.record(outcome, batch.size(), took.count());
    log_.debug("batch applied", {{"messages", batch.size()},
                                 {"folded", outcome.folded_total()},
                                 {"duplicates", outcome.duplicates},
                                 {"dead_letters", outcome.dead_letters_total()},
                                 {"seconds", took.count()}});
    // A partition revoked while the batch waited for the database is another member's now:
    // its messages were applied (harmless, the ledger), but its offsets are not ours to commit.
    const auto before = kept.size();
    std::erase_if(kept, [&](const message_ptr& message) {
      return !assigned_.contains({message->topic_name(), message->partition()});
    });
    if (kept.size() != before)
      log_.info("offsets of revoked partitions not committed", {{"messages", before - kept.size()}});
    try {
      consumer_->commit(kept);
    } catch (const std::exception& error) {
      // The batch is in PostgreSQL; whoever reads these messages again folds nothing (ledger).
      metrics_.offset_commit_failed();
      log_.warning("offset commit failed", {{"reason", error.what()}});
    }
  }
  log_.info("leaving the consumer group");
  consumer_->close();
}

}  // namespace tributary::workers
