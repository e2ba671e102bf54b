#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace tributary::ingest {

/// GitHub's headers of one webhook request as the session read them; absent ones are empty.
struct webhook_headers {
  std::string_view event;          // X-GitHub-Event
  std::string_view delivery;       // X-GitHub-Delivery
  std::string_view hook_id;        // X-GitHub-Hook-ID
  std::string_view target_type;    // X-GitHub-Hook-Installation-Target-Type
  std::string_view target_id;      // X-GitHub-Hook-Installation-Target-ID
  std::string_view content_type;   // Content-Type
};

/// One delivery ready to publish: the Kafka value, key and the header values of CONTRACT.md.
struct delivery {
  std::string event;
  std::string id;
  std::string hook_id;      // empty when GitHub did not send it
  std::string target_type;  // empty when GitHub did not send it
  std::string target_id;    // empty when GitHub did not send it
  std::string payload;      // GitHub's JSON, byte for byte (a form's decoded `payload` field)
  std::string key;          // core::envelope::message_key of the payload
};

/// Why a signed request can't become a delivery; each maps to one 4xx answer (http_answer.hpp).
enum class rejection {
  missing_event,           // X-GitHub-Event absent or not an event name
  missing_delivery_id,     // X-GitHub-Delivery absent or not an identifier
  unsupported_media_type,  // neither application/json nor application/x-www-form-urlencoded
  missing_form_payload,    // form body without a well-formed `payload` field
  not_json,                // the JSON is not one well-formed UTF-8 JSON document
  too_deep,                // JSON nested deeper than core::max_json_depth
};

std::string_view to_string(rejection reason);

/// Turns the request of a verified signature into a delivery. The body is moved into the payload
/// when it is JSON already, and read once by core::scan_payload (no DOM, no recursion) for its
/// validity, depth and key, so a 25 MiB body is held once.
std::variant<delivery, rejection> parse_delivery(const webhook_headers& headers, std::string body);

/// The media type of a Content-Type value, lower case, without parameters or spaces.
std::string media_type(std::string_view content_type);

}  // namespace tributary::ingest
