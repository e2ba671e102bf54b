#pragma once

#include "workers/incoming_message.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <optional>
#include <string>

namespace tributary::workers {

/// One delivery ready to fold: the envelope's headers and the parsed payload. Refers to the
/// message it came from (for the raw row), which must outlive it. Move-only (owns the document).
struct event {
  std::string name;         // github-event
  std::string action;       // payload.action, empty when the event has none
  std::string delivery_id;  // github-delivery
  std::string source;       // webhook or reconciler
  std::string hook_id;      // github-hook-id, empty when absent
  std::chrono::system_clock::time_point received_at;
  std::string received_at_text;  // received_at as RFC 3339 (UTC, ms)
  rapidjson::Document payload;
  const incoming_message* message = nullptr;
};

/// What a dead letter records of a message's envelope: each header that was present and valid
/// (nullopt otherwise; the source then defaults to webhook), whether or not the body could be
/// read.
struct envelope_fields {
  std::optional<std::string> delivery_id;
  std::optional<std::string> name;
  std::optional<std::string> source;
  std::string received_at_text;
};

/// What decoding a message gave: an event, or the reason it can never be folded; and, either
/// way, the envelope's fields, so that a rejected body keeps its delivery id, event and source.
struct decoded_message {
  std::optional<event> decoded;
  std::string rejection;  // set when !decoded
  envelope_fields envelope;
};

/// Reads the envelope (CONTRACT.md: github-event and github-delivery headers, received-at) and
/// parses the JSON body with core::parse_bounded_json (iterative, UTF-8 validated, at most
/// core::max_json_depth levels: no body can exhaust the stack). A missing header, a missing body,
/// a body that is not JSON, too deep, or not an object is a rejection. received-at falls back to
/// the message timestamp, then to `now`, when absent or not RFC 3339, and is never later than
/// `now` (a future header must not outrank later deliveries). Pure apart from reading `message`.
decoded_message decode_message(const incoming_message& message,
                               std::chrono::system_clock::time_point now);

}  // namespace tributary::workers
