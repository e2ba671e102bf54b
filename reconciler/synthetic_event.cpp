#include "reconciler/synthetic_event.hpp"

#include "core/clock.hpp"
#include "core/envelope.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tributary::reconciler {

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

event_publisher::event_publisher(core::kafka_producer& producer, std::string topic)
    : producer_(producer), topic_(std::move(topic)) {}

void event_publisher::publish(const synthetic_event& message) {
  namespace envelope = core::envelope;
  const auto body = to_json(message.payload);
  const auto key = envelope::message_key(message.payload, message.delivery_id);
  const auto received = core::format_rfc3339_ms(std::chrono::system_clock::now());
  core::outgoing_message outgoing{topic_, key, body, {}};
  outgoing.headers.emplace_back(envelope::header_event, message.event);
  outgoing.headers.emplace_back(envelope::header_delivery, message.delivery_id);
  outgoing.headers.emplace_back(envelope::header_received_at, received);
  outgoing.headers.emplace_back(envelope::header_source, envelope::source_reconciler);
  outgoing.headers.emplace_back(envelope::header_content_type, envelope::content_type_json);
  producer_.produce(outgoing, [counts = counts_](const core::delivery_report& report) {
    (report.ok() ? counts->acknowledged : counts->failed).fetch_add(1);
  });
}

bool event_publisher::settle(std::chrono::milliseconds timeout) {
  return producer_.flush(timeout) == 0 && failed() == 0;
}

}  // namespace tributary::reconciler
