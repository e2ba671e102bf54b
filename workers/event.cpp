#include "workers/event.hpp"

#include "core/bounded_json.hpp"
#include "core/clock.hpp"
#include "core/envelope.hpp"
#include "workers/rfc3339.hpp"

#include <algorithm>
#include <cstdint>

namespace tributary::workers {
namespace {

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

/// The header's value when it is present, not blank and printable.
std::optional<std::string> usable(const std::string* header) {
  if (blank(header) || !printable(*header)) return std::nullopt;
  return *header;
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
  decoded_message result;
  const auto* name = message.header(envelope::header_event);
  const auto* delivery = message.header(envelope::header_delivery);
  auto& fields = result.envelope;
  fields.name = usable(name);
  fields.delivery_id = usable(delivery);
  // Absent or unusable, the source is the documented default.
  fields.source = usable(message.header(envelope::header_source))
                      .value_or(std::string(envelope::source_webhook));

  std::optional<std::chrono::system_clock::time_point> received;
  if (const auto* header = message.header(envelope::header_received_at))
    received = parse_rfc3339(*header);
  if (!received && message.timestamp_ms && representable(*message.timestamp_ms))
    received = std::chrono::system_clock::time_point(std::chrono::milliseconds(*message.timestamp_ms));
  // Never later than this clock: a received-at from the future (a skewed or forged header) would
  // otherwise outrank every later delivery of the same rows until that time came (schemas/README.md).
  const auto received_at = std::min(received.value_or(now), now);
  fields.received_at_text = core::format_rfc3339_ms(received_at);

  const auto reject = [&](std::string reason) {
    result.rejection = std::move(reason);
    return std::move(result);
  };
  if (blank(name)) return reject("header github-event is missing");
  if (blank(delivery)) return reject("header github-delivery is missing");
  if (!fields.name) return reject("header github-event is not printable ASCII");
  if (!fields.delivery_id) return reject("header github-delivery is not printable ASCII");
  if (!message.value) return reject("the message has no value (a null body)");

  event decoded;
  decoded.name = *fields.name;
  decoded.delivery_id = *fields.delivery_id;
  decoded.message = &message;
  decoded.source = *fields.source;
  if (const auto* hook = message.header(envelope::header_hook_id); hook && printable(*hook))
    decoded.hook_id = *hook;
  decoded.received_at = received_at;
  decoded.received_at_text = fields.received_at_text;

  const auto check = core::parse_bounded_json(decoded.payload, *message.value);
  if (check.verdict == core::json_verdict::too_deep)
    return reject("the body is " + check.message);
  if (!check.ok()) return reject("the body is not JSON: " + check.message);
  if (!decoded.payload.IsObject()) return reject("the body is JSON but not an object");
  const auto action = decoded.payload.FindMember("action");
  if (action != decoded.payload.MemberEnd() && action->value.IsString())
    decoded.action.assign(action->value.GetString(), action->value.GetStringLength());
  result.decoded = std::move(decoded);
  return result;
}

}  // namespace tributary::workers
