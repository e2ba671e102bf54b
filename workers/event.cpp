#include "workers/event.hpp"

#include "core/clock.hpp"
#include "core/envelope.hpp"
#include "workers/rfc3339.hpp"

#include <rapidjson/error/en.h>

#include <cstdint>

namespace tributary::workers {
namespace {

decoded_message reject(std::string reason) { return {std::nullopt, std::move(reason)}; }

bool blank(const std::string* text) {
  return text == nullptr || text->find_first_not_of(" \t") == std::string::npos;
}

// Header values become text columns and log fields: only short printable ASCII is accepted, so
// that no byte sequence can make the ledger or a dead letter unwritable.
bool printable(std::string_view text) {
  if (text.size() > 256) return false;
  for (const char c : text)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// system_clock counts nanoseconds in 64 bits (years 1677 to 2262): a message timestamp beyond
// that would overflow on conversion (found by fuzz/event_fuzzer.cpp), so it counts as absent.
bool representable(std::int64_t milliseconds) {
  constexpr auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::duration::max())
                             .count();
  return milliseconds > -limit && milliseconds < limit;
}

}  // namespace

decoded_message decode_message(const incoming_message& message,
                               std::chrono::system_clock::time_point now) {
  namespace envelope = core::envelope;
  const auto* name = message.header(envelope::header_event);
  const auto* delivery = message.header(envelope::header_delivery);
  if (blank(name)) return reject("header github-event is missing");
  if (blank(delivery)) return reject("header github-delivery is missing");
  if (!printable(*name)) return reject("header github-event is not printable ASCII");
  if (!printable(*delivery)) return reject("header github-delivery is not printable ASCII");
  if (!message.value) return reject("the message has no value (a null body)");

  event decoded;
  decoded.name = *name;
  decoded.delivery_id = *delivery;
  decoded.message = &message;
  const auto* source = message.header(envelope::header_source);
  decoded.source = blank(source) || !printable(*source) ? std::string(envelope::source_webhook)
                                                         : *source;
  if (const auto* hook = message.header(envelope::header_hook_id); hook && printable(*hook))
    decoded.hook_id = *hook;

  std::optional<std::chrono::system_clock::time_point> received;
  if (const auto* header = message.header(envelope::header_received_at))
    received = parse_rfc3339(*header);
  if (!received && message.timestamp_ms && representable(*message.timestamp_ms))
    received = std::chrono::system_clock::time_point(std::chrono::milliseconds(*message.timestamp_ms));
  decoded.received_at = received.value_or(now);
  decoded.received_at_text = core::format_rfc3339_ms(decoded.received_at);

  const auto& body = *message.value;
  decoded.payload.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (decoded.payload.HasParseError())
    return reject(std::string("the body is not JSON: ") +
                  rapidjson::GetParseError_En(decoded.payload.GetParseError()) + " at offset " +
                  std::to_string(decoded.payload.GetErrorOffset()));
  if (!decoded.payload.IsObject()) return reject("the body is JSON but not an object");
  const auto action = decoded.payload.FindMember("action");
  if (action != decoded.payload.MemberEnd() && action->value.IsString())
    decoded.action.assign(action->value.GetString(), action->value.GetStringLength());
  return {std::move(decoded), {}};
}

}  // namespace tributary::workers
