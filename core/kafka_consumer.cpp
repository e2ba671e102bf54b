#include "core/kafka_consumer.hpp"

#include <map>
#include <utility>

#include "core/kafka_config.hpp"
#include "core/log.hpp"
#include "core/settings.hpp"

namespace tributary::core {
namespace {

const logger kafka_log("kafka");

}  // namespace

/// Applies assignments as the group protocol asks (incrementally under cooperative-sticky), then
/// tells the owner. Runs on the thread that calls poll_batch.
class kafka_consumer::rebalance_callback : public RdKafka::RebalanceCb, public RdKafka::EventCb {
 public:
  rebalance_callback(kafka_consumer& owner, on_rebalance notify)
      : owner_(owner), notify_(std::move(notify)) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode event,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    // Revocation is reported before it takes effect, so the owner can finish what it holds.
    if (notify_ && event == RdKafka::ERR__REVOKE_PARTITIONS) notify_(event, partitions);
    RdKafka::Error* error = nullptr;
    RdKafka::ErrorCode code = RdKafka::ERR_NO_ERROR;
    if (event == RdKafka::ERR__ASSIGN_PARTITIONS) {
      if (cooperative) error = consumer->incremental_assign(partitions);
      else code = consumer->assign(partitions);
    } else {
      if (cooperative) error = consumer->incremental_unassign(partitions);
      else code = consumer->unassign();
    }
    if (error) {
      kafka_log.error("rebalance failed", {{"reason", error->str()}});
      delete error;
    } else if (code != RdKafka::ERR_NO_ERROR) {
      kafka_log.error("rebalance failed", {{"reason", RdKafka::err2str(code)}});
    }
    kafka_log.info(event == RdKafka::ERR__ASSIGN_PARTITIONS ? "partitions assigned"
                                                            : "partitions revoked",
                   {{"count", partitions.size()}, {"protocol", consumer->rebalance_protocol()}});
    owner_.on_partitions_changed(*consumer, event, partitions);
    if (notify_ && event == RdKafka::ERR__ASSIGN_PARTITIONS) notify_(event, partitions);
  }

  void event_cb(RdKafka::Event& event) override {
    // With an event callback, librdkafka's own log lines (KAFKA_DEBUG=cgrp...) come here too.
    if (event.type() == RdKafka::Event::EVENT_LOG) {
      kafka_log.debug("librdkafka", {{"facility", event.fac()}, {"message", event.str()}});
      return;
    }
    if (event.type() != RdKafka::Event::EVENT_ERROR) return;
    kafka_log.warning(event.fatal() ? "fatal consumer error" : "consumer error",
                      {{"error", RdKafka::err2str(event.err())}, {"reason", event.str()}});
  }

 private:
  kafka_consumer& owner_;
  on_rebalance notify_;
};

std::map<std::string, std::string> consumer_defaults() {
  return {
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      {"fetch.message.max.bytes", "33554432"},
  };
}

kafka_consumer::kafka_consumer(const std::map<std::string, std::string>& properties,
                               const std::vector<std::string>& topics, on_rebalance rebalance)
    : rebalance_(std::make_unique<rebalance_callback>(*this, std::move(rebalance))) {
  auto conf = make_kafka_conf(consumer_defaults(), properties);
  std::string error;
  if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(rebalance_.get()), error) !=
          RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", static_cast<RdKafka::EventCb*>(rebalance_.get()), error) !=
          RdKafka::Conf::CONF_OK)
    throw settings_error("Kafka consumer callbacks: " + error);
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer_) throw settings_error("Kafka consumer: " + error);
  if (const auto code = consumer_->subscribe(topics); code != RdKafka::ERR_NO_ERROR)
    throw kafka_error(code, "subscribe");
}

kafka_consumer::~kafka_consumer() { close(); }

void kafka_consumer::close() {
  if (closed_) return;
  closed_ = true;
  consumer_->close();
}

std::vector<kafka_consumer::message_ptr> kafka_consumer::poll_batch(
    std::size_t max_messages, std::chrono::milliseconds timeout) {
  std::vector<message_ptr> batch;
  int wait = static_cast<int>(timeout.count());
  while (batch.size() < max_messages) {
    message_ptr message(consumer_->consume(wait));
    wait = 0;  // after the first, take only what is already fetched
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        note_position(*message);
        batch.push_back(std::move(message));
        continue;
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        return batch;
      case RdKafka::ERR__AUTO_OFFSET_RESET:
        // Only with auto.offset.reset=error; with earliest/latest the jump shows in note_position.
        ++offset_resets_;
        kafka_log.error("committed position no longer exists on the broker",
                        {{"topic", message->topic_name()}, {"partition", message->partition()},
                         {"reason", message->errstr()}});
        return batch;
      default:
        if (is_retryable(message->err()) || message->err() == RdKafka::ERR__TRANSPORT) {
          kafka_log.warning("consume error", {{"error", message->errstr()}});
          return batch;
        }
        throw kafka_error(message->err(), "consume");
    }
  }
  return batch;
}

void kafka_consumer::on_partitions_changed(RdKafka::KafkaConsumer& consumer,
                                           RdKafka::ErrorCode event,
                                           const std::vector<RdKafka::TopicPartition*>& partitions) {
  if (event != RdKafka::ERR__ASSIGN_PARTITIONS) {
    for (const auto* partition : partitions)
      expected_offsets_.erase({partition->topic(), partition->partition()});
    return;
  }
  // Where the group stands on each new partition, so that a reset past it is seen.
  std::vector<RdKafka::TopicPartition*> committed;
  for (const auto* partition : partitions)
    committed.push_back(RdKafka::TopicPartition::create(partition->topic(), partition->partition()));
  if (consumer.committed(committed, 10000) == RdKafka::ERR_NO_ERROR) {
    for (const auto* partition : committed)
      if (partition->offset() >= 0)
        expected_offsets_[{partition->topic(), partition->partition()}] = partition->offset();
  } else {
    kafka_log.warning("committed offsets unknown at assignment: a reset would go unnoticed",
                      {{"count", partitions.size()}});
  }
  RdKafka::TopicPartition::destroy(committed);
}

void kafka_consumer::note_position(const RdKafka::Message& message) {
  const auto [it, inserted] = expected_offsets_.try_emplace(
      {message.topic_name(), message.partition()}, message.offset());
  // The topic is written by an idempotent, non-transactional producer and never compacted, so
  // its offsets have no holes: a jump means messages this group never read are gone.
  if (!inserted && message.offset() > it->second) {
    const auto skipped = message.offset() - it->second;
    ++offset_resets_;
    messages_skipped_ += static_cast<std::uint64_t>(skipped);
    kafka_log.error("messages skipped: the group's position was deleted by retention and reset",
                    {{"topic", message.topic_name()}, {"partition", message.partition()},
                     {"expected_offset", it->second}, {"offset", message.offset()},
                     {"skipped", skipped}});
  }
  it->second = message.offset() + 1;
}

void kafka_consumer::commit(const std::vector<message_ptr>& messages) {
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> next_offsets;
  for (const auto& message : messages) {
    auto& next = next_offsets[{message->topic_name(), message->partition()}];
    next = std::max(next, message->offset() + 1);
  }
  if (next_offsets.empty()) return;
  std::vector<RdKafka::TopicPartition*> offsets;
  for (const auto& [partition, offset] : next_offsets)
    offsets.push_back(RdKafka::TopicPartition::create(partition.first, partition.second, offset));
  const auto code = consumer_->commitSync(offsets);
  RdKafka::TopicPartition::destroy(offsets);
  if (code != RdKafka::ERR_NO_ERROR) throw kafka_error(code, "commit");
}

}  // namespace tributary::core
