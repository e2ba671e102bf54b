#include "core/kafka_producer.hpp"

#include "core/kafka_config.hpp"
#include "core/log.hpp"
#include "core/settings.hpp"

namespace tributary::core {
namespace {

const logger kafka_log("kafka");

/// The heap-owned callback travelling through librdkafka as the message opaque.
using pending_delivery = kafka_producer::on_delivery;

}  // namespace

/// Runs each message's callback from its delivery report (on the poll thread) and logs client
/// errors (librdkafka's error events are informational unless fatal).
class kafka_producer::delivery_callback : public RdKafka::DeliveryReportCb, public RdKafka::EventCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    std::unique_ptr<pending_delivery> done(static_cast<pending_delivery*>(message.msg_opaque()));
    if (!done) return;
    delivery_report report;
    report.error = message.err();
    report.partition = message.partition();
    report.offset = message.offset();
    (*done)(report);
  }

  void event_cb(RdKafka::Event& event) override {
    if (event.type() != RdKafka::Event::EVENT_ERROR) return;
    if (event.fatal()) {
      kafka_log.error("fatal producer error", {{"error", RdKafka::err2str(event.err())},
                                                {"reason", event.str()}});
    } else {
      kafka_log.warning("producer error", {{"error", RdKafka::err2str(event.err())},
                                           {"reason", event.str()}});
    }
  }
};

std::map<std::string, std::string> producer_defaults() {
  return {
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"compression.type", "lz4"},
      {"linger.ms", "2"},
      // GitHub caps a payload at 25 MB; headers and batch framing need a little more.
      {"message.max.bytes", "33554432"},
      // Back within a second of a broker's return, not librdkafka's default of up to 10 s.
      {"reconnect.backoff.max.ms", "1000"},
  };
}

kafka_producer::kafka_producer(const std::map<std::string, std::string>& properties,
                               std::chrono::milliseconds flush_timeout)
    : callback_(std::make_unique<delivery_callback>()), flush_timeout_(flush_timeout) {
  auto conf = make_kafka_conf(producer_defaults(), properties);
  std::string error;
  if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(callback_.get()), error) !=
          RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", static_cast<RdKafka::EventCb*>(callback_.get()), error) !=
          RdKafka::Conf::CONF_OK)
    throw settings_error("Kafka producer callbacks: " + error);
  producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (!producer_) throw settings_error("Kafka producer: " + error);
  poller_ = std::thread([this] { poll_loop(); });
}

kafka_producer::~kafka_producer() {
  if (producer_->flush(static_cast<int>(flush_timeout_.count())) != RdKafka::ERR_NO_ERROR) {
    kafka_log.warning("producer closing with undelivered messages",
                      {{"outstanding", producer_->outq_len()}});
    producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
  }
  stopping_ = true;
  poller_.join();
  producer_->poll(0);  // serves the purged messages' callbacks
}

void kafka_producer::poll_loop() {
  while (!stopping_.load(std::memory_order_relaxed)) producer_->poll(100);
}

void kafka_producer::produce(const outgoing_message& message, on_delivery done) {
  std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
  for (const auto& [name, value] : message.headers)
    headers->add(std::string(name), value.data(), value.size());
  auto pending = std::make_unique<pending_delivery>(std::move(done));
  const auto code = producer_->produce(
      std::string(message.topic), RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
      const_cast<char*>(message.value.data()), message.value.size(),
      message.key.empty() ? nullptr : message.key.data(), message.key.size(), 0, headers.get(),
      pending.get());
  if (code != RdKafka::ERR_NO_ERROR) throw kafka_error(code, "produce");
  // librdkafka owns both from here: the headers with the message, the callback until its report.
  headers.release();
  pending.release();
}

int kafka_producer::flush(std::chrono::milliseconds timeout) {
  producer_->flush(static_cast<int>(timeout.count()));
  return producer_->outq_len();
}

int kafka_producer::queue_length() const { return producer_->outq_len(); }

std::optional<std::string> kafka_producer::fatal_error() const {
  // rd_kafka_fatal_error reads the handle's fatal state under its own lock: safe from any thread.
  std::string reason;
  const auto code = producer_->fatal_error(reason);
  if (code == RdKafka::ERR_NO_ERROR) return std::nullopt;
  return RdKafka::err2str(code) + ": " + reason;
}

bool kafka_producer::broker_reachable(std::chrono::milliseconds timeout) {
  RdKafka::Metadata* metadata = nullptr;
  const auto code =
      producer_->metadata(false, nullptr, &metadata, static_cast<int>(timeout.count()));
  std::unique_ptr<RdKafka::Metadata> owned(metadata);
  return code == RdKafka::ERR_NO_ERROR;
}

}  // namespace tributary::core
