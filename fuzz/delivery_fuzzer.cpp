// fuzz_delivery: what ingest does with the bytes of one request once they are read
// (judge_webhook): signature verification, parse_delivery (media type, form decoding, JSON check, message key), over
// arbitrary header values and bodies. Input format: fuzz_input.hpp (delivery_line).
#include "core/bounded_json.hpp"
#include "core/envelope.hpp"
#include "core/form_encoding.hpp"
#include "fuzz/fuzz_input.hpp"
#include "fuzz/finding.hpp"
#include "ingest/delivery.hpp"
#include "ingest/signature.hpp"
#include "ingest/webhook_verdict.hpp"

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

namespace {

namespace fuzz = tributary::fuzz;
namespace ingest = tributary::ingest;
namespace core = tributary::core;

// An empty secret (ignored) and an old one of a rotation besides the one seeds are signed with.
const std::vector<std::string> secrets{"", "old-secret", std::string(fuzz::delivery_secret)};

/// The request as the session would hand it over: an answer, or a delivery to publish.
struct request_result {
  bool signature_ok = false;
  std::variant<ingest::delivery, ingest::rejection> parsed = ingest::rejection::not_json;
};

// The one call into ingest: judge_webhook, the whole decision the session hands a read request
// to (signature, then parse_delivery). A delivery or an `invalid` outcome means the signature
// passed; any other outcome is a refused signature.
request_result handle_request(const ingest::webhook_headers& headers, std::string_view signature,
                              std::string_view body) {
  request_result result;
  auto verdict = ingest::judge_webhook({headers, signature, std::string(body)}, secrets);
  if (auto* delivery = std::get_if<ingest::delivery>(&verdict)) {
    result.signature_ok = true;
    result.parsed = std::move(*delivery);
  } else if (const auto* invalid =
                 std::get_if<ingest::outcome::invalid>(&std::get<ingest::request_outcome>(verdict))) {
    result.signature_ok = true;
    result.parsed = invalid->reason;
  }
  return result;
}

void check_delivery(const ingest::delivery& delivery, const ingest::webhook_headers& headers,
                    std::string_view body) {
  fuzz::require(delivery.event == headers.event, "the delivery's event is not the header's");
  fuzz::require(delivery.id == headers.delivery, "the delivery's id is not the header's");
  const auto type = ingest::media_type(headers.content_type);
  if (type == "application/json") {
    fuzz::require(delivery.payload == body, "a JSON body was not published byte for byte");
  } else {
    const auto field = core::form_field(body, "payload");
    fuzz::require(field && delivery.payload == *field,
                  "a form's payload is not its decoded payload field");
  }
  // Two readers of the same text must agree with ingest: what it accepted is one JSON document
  // for RapidJSON's DOM and for the DOM-free scan, and its key is the one each of them finds
  // (no depth limit here: the depth verdict is ingest's to give, not this check's).
  const auto scan = core::scan_payload(delivery.payload, std::numeric_limits<std::size_t>::max());
  fuzz::require(scan.check.ok(), "ingest accepted a payload that the scan calls not JSON");
  fuzz::require(delivery.key == core::envelope::message_key(scan, delivery.id),
                "the message key differs from the scan's");
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      delivery.payload.data(), delivery.payload.size());
  fuzz::require(!document.HasParseError(), "ingest accepted a payload that RapidJSON refuses");
  fuzz::require(delivery.key == core::envelope::message_key(document, delivery.id),
                "the message key differs from the DOM's");
  fuzz::require(!delivery.key.empty(), "a delivery without a message key");
}

// Form encoding is its own small codec: what percent_encode writes, form_field reads back.
void check_form_round_trip(std::string_view body) {
  const auto encoded = core::percent_encode(body);
  const auto decoded = core::percent_decode(encoded);
  fuzz::require(decoded && *decoded == body, "percent_decode(percent_encode(x)) != x");
  const auto field = core::form_field("other=1&payload=" + encoded + "&payload=2", "payload");
  fuzz::require(field && *field == body, "form_field did not read back an encoded payload field");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::read_input<fuzz::delivery_lines>(
      std::string_view(reinterpret_cast<const char*>(data), size));
  const bool signed_here = input.flag(fuzz::delivery_flag_sign);
  const std::string signature = signed_here
                                    ? ingest::signature_header(fuzz::delivery_secret, input.body)
                                    : std::string(input.lines[fuzz::line_signature]);
  const ingest::webhook_headers headers{
      input.lines[fuzz::line_event],       input.lines[fuzz::line_delivery],
      input.lines[fuzz::line_hook_id],     input.lines[fuzz::line_target_type],
      input.lines[fuzz::line_target_id],   input.lines[fuzz::line_content_type]};

  const auto result = handle_request(headers, signature, input.body);
  if (signed_here) fuzz::require(result.signature_ok, "a correct signature was refused");
  if (result.signature_ok) {
    if (const auto* delivery = std::get_if<ingest::delivery>(&result.parsed))
      check_delivery(*delivery, headers, input.body);
  }
  check_form_round_trip(input.body);
  return 0;
}
