#include "ingest/delivery.hpp"

#include "core/envelope.hpp"
#include "core/form_encoding.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace tributary::ingest {
namespace {

constexpr std::size_t k_max_name_length = 128;

// GitHub's event names are lower-case words joined by underscores; anything else is refused so
// that the event can safely become a metric label and a Kafka header.
bool valid_event_name(std::string_view name) {
  return !name.empty() && name.size() <= k_max_name_length &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// GitHub sends a GUID; the reconciler sends its own deterministic identifiers. Both stay within
// this alphabet, which is safe in logs, headers and the JSON answer.
bool valid_delivery_id(std::string_view id) {
  return !id.empty() && id.size() <= k_max_name_length &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
                  c == ':';
         });
}

}  // namespace

std::string_view to_string(rejection reason) {
  switch (reason) {
    case rejection::missing_event: return "missing_event";
    case rejection::missing_delivery_id: return "missing_delivery_id";
    case rejection::unsupported_media_type: return "unsupported_media_type";
    case rejection::missing_form_payload: return "missing_form_payload";
    case rejection::not_json: return "not_json";
    case rejection::too_deep: return "too_deep";
  }
  return "unknown";
}

std::string media_type(std::string_view content_type) {
  std::string type(core::trim(content_type.substr(0, content_type.find(';')), " \t"));
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type;
}

std::variant<delivery, rejection> parse_delivery(const webhook_headers& headers, std::string body) {
  if (!valid_event_name(headers.event)) return rejection::missing_event;
  if (!valid_delivery_id(headers.delivery)) return rejection::missing_delivery_id;

  delivery result;
  const auto type = media_type(headers.content_type);
  if (type == "application/json") {
    result.payload = std::move(body);
  } else if (type == "application/x-www-form-urlencoded") {
    auto payload = core::form_field(body, "payload");
    if (!payload) return rejection::missing_form_payload;
    result.payload = std::move(*payload);
  } else {
    return rejection::unsupported_media_type;
  }

  // Iterative, without a DOM: a hostile body of nested brackets can't exhaust the stack, and the
  // depth limit keeps what reaches the topic foldable by every consumer (core/bounded_json.hpp).
  const auto scan = core::scan_payload(result.payload);
  switch (scan.check.verdict) {
    case core::json_verdict::ok: break;
    case core::json_verdict::not_json: return rejection::not_json;
    case core::json_verdict::too_deep: return rejection::too_deep;
  }

  result.event = headers.event;
  result.id = headers.delivery;
  result.hook_id = headers.hook_id;
  result.target_type = headers.target_type;
  result.target_id = headers.target_id;
  result.key = core::envelope::message_key(scan, result.id);
  return result;
}

}  // namespace tributary::ingest
