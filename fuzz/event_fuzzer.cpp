// fuzz_event: the worker's decoding of one Kafka message (headers, timestamp, value) into an event,
// the first thing it does with every message it consumes. Input format: fuzz_input.hpp
// (event_line).
#include "core/envelope.hpp"
#include "fuzz/finding.hpp"
#include "fuzz/fuzz_input.hpp"
#include "workers/event.hpp"
#include "workers/incoming_message.hpp"

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace {

namespace fuzz = tributary::fuzz;
namespace workers = tributary::workers;
namespace envelope = tributary::core::envelope;

constexpr std::string_view header_names[] = {envelope::header_event, envelope::header_delivery,
                                             envelope::header_received_at, envelope::header_source,
                                             envelope::header_hook_id};

workers::incoming_message message_of(const fuzz::framed_input<fuzz::event_lines>& input) {
  workers::incoming_message message;
  message.topic = "github.webhooks";
  if (input.flag(fuzz::event_flag_valueless_event))
    message.headers.emplace_back(std::string(envelope::header_event), std::nullopt);
  for (std::size_t line = 0; line < std::size(header_names); ++line)
    if (input.flag(static_cast<unsigned>(line)))
      message.headers.emplace_back(std::string(header_names[line]), std::string(input.lines[line]));
  if (input.flag(fuzz::event_flag_timestamp)) {
    const auto text = input.lines[fuzz::line_timestamp];
    std::int64_t milliseconds = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), milliseconds).ec == std::errc{})
      message.timestamp_ms = milliseconds;
  }
  if (!input.flag(fuzz::event_flag_null_value)) message.value = std::string(input.body);
  return message;
}

// The one call into the worker. A fixed `now`, so that a crash replays.
workers::decoded_message decode(const workers::incoming_message& message) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'767'225'600));
  return workers::decode_message(message, now);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::read_input<fuzz::event_lines>(
      std::string_view(reinterpret_cast<const char*>(data), size));
  const auto message = message_of(input);
  const auto result = decode(message);
  if (!result.decoded) {
    fuzz::require(!result.rejection.empty(), "a message rejected without a reason");
    return 0;
  }
  const auto& event = *result.decoded;
  fuzz::require(event.payload.IsObject(), "an event whose payload is not an object");
  fuzz::require(message.header(envelope::header_event) &&
                    event.name == *message.header(envelope::header_event),
                "the event's name is not its github-event header");
  fuzz::require(message.header(envelope::header_delivery) &&
                    event.delivery_id == *message.header(envelope::header_delivery),
                "the event's delivery id is not its github-delivery header");
  fuzz::require(!event.source.empty(), "an event without a source");
  fuzz::require(!event.received_at_text.empty(), "an event without a received-at text");
  fuzz::require(event.message == &message, "an event that does not refer to its message");
  return 0;
}
