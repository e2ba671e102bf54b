#include "ingest/publisher.hpp"

#include "core/clock.hpp"
#include "core/envelope.hpp"

namespace tributary::ingest {

publisher::publisher(core::kafka_producer& producer, std::string topic)
    : producer_(producer), topic_(std::move(topic)) {}

void publisher::publish(const delivery& message, std::chrono::system_clock::time_point received_at,
                        core::kafka_producer::on_delivery done) {
  namespace envelope = core::envelope;
  const auto received = core::format_rfc3339_ms(received_at);
  core::outgoing_message outgoing{topic_, message.key, message.payload, {}};
  outgoing.headers.reserve(8);
  outgoing.headers.emplace_back(envelope::header_event, message.event);
  outgoing.headers.emplace_back(envelope::header_delivery, message.id);
  // Only what GitHub sent: an absent header stays absent rather than empty.
  if (!message.hook_id.empty()) outgoing.headers.emplace_back(envelope::header_hook_id, message.hook_id);
  if (!message.target_type.empty())
    outgoing.headers.emplace_back(envelope::header_target_type, message.target_type);
  if (!message.target_id.empty())
    outgoing.headers.emplace_back(envelope::header_target_id, message.target_id);
  outgoing.headers.emplace_back(envelope::header_received_at, received);
  outgoing.headers.emplace_back(envelope::header_source, envelope::source_webhook);
  outgoing.headers.emplace_back(envelope::header_content_type, envelope::content_type_json);

  try {
    producer_.produce(outgoing, std::move(done));
  } catch (const core::kafka_error& e) {
    log_.warning("produce refused", {{"delivery", message.id},
                                     {"event", message.event},
                                     {"error", RdKafka::err2str(e.code())},
                                     {"retryable", e.retryable()}});
    throw;
  }
}

}  // namespace tributary::ingest
