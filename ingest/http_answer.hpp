#pragma once

#include "ingest/delivery.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

namespace tributary::ingest {

/// What became of one request, before it is put into HTTP terms.
namespace outcome {
struct accepted { std::string delivery_id; };  // the broker has it
struct alive {};                     // GET /healthz
struct ready {};                     // GET /readyz while the broker answers
struct not_ready {};                 // GET /readyz while it does not
struct not_found {};
struct method_not_allowed {};
struct payload_too_large {};
struct header_too_large {};
struct bad_request {};               // not HTTP/1.1 that Beast could parse
struct missing_signature {};
struct bad_signature {};
struct invalid { rejection reason; };
struct broker_unavailable {};        // delivery failed or timed out, or the producer queue is full
struct internal_error {};            // a bug: logged where it happened, answered 500
}  // namespace outcome

using request_outcome =
    std::variant<outcome::accepted, outcome::alive, outcome::ready, outcome::not_ready,
                 outcome::not_found, outcome::method_not_allowed,
                 outcome::payload_too_large, outcome::header_too_large, outcome::bad_request,
                 outcome::missing_signature, outcome::bad_signature, outcome::invalid,
                 outcome::broker_unavailable, outcome::internal_error>;

/// The HTTP answer to write: status, JSON body, and Retry-After when a later try can succeed.
struct http_answer {
  unsigned status = 500;
  std::string body;                   // {"error":"..."} or {"delivery":"..."}
  std::chrono::seconds retry_after{0};  // zero: no Retry-After header
};

/// The one place that turns outcomes into answers. Bodies are fixed texts (plus a validated
/// delivery id): never an error message from a library, a header value or a secret.
http_answer answer_for(const request_outcome& outcome, std::chrono::seconds retry_after);

/// "2xx", "4xx", "5xx": the low-cardinality metric label of a status.
std::string_view status_class(unsigned status);

}  // namespace tributary::ingest
