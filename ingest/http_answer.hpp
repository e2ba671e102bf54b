#pragma once

#include "ingest/delivery.hpp"

#include <librdkafka/rdkafkacpp.h>

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
struct not_ready {};                 // GET /readyz while it does not, or the producer failed fatally
struct shutting_down {};             // GET /readyz once a shutdown has begun (the drain period)
struct not_found {};
struct method_not_allowed {};
struct payload_too_large {};
struct header_too_large {};
struct bad_request {};               // not HTTP/1.1 that Beast could parse
struct https_required {};            // plain HTTP while TLS is configured and plaintext not allowed
struct over_budget {};               // the body does not fit INGEST_MEMORY_BUDGET_BYTES now
struct missing_signature {};
struct bad_signature {};
struct invalid { rejection reason; };
struct broker_unavailable {};        // delivery failed or timed out, or the producer queue is full
struct publish_rejected {};          // the broker or librdkafka refused in a way no retry can fix
struct internal_error {};            // a bug: logged where it happened, answered 500
}  // namespace outcome

using request_outcome =
    std::variant<outcome::accepted, outcome::alive, outcome::ready, outcome::not_ready,
                 outcome::shutting_down, outcome::not_found, outcome::method_not_allowed,
                 outcome::payload_too_large, outcome::header_too_large, outcome::bad_request,
                 outcome::https_required, outcome::over_budget, outcome::missing_signature,
                 outcome::bad_signature, outcome::invalid, outcome::broker_unavailable,
                 outcome::publish_rejected, outcome::internal_error>;

/// A failed produce or delivery report, sorted by core::is_retryable: broker_unavailable (503,
/// Retry-After) when a later try can succeed, publish_rejected (500) when none can (a message too
/// large for the broker, an unknown topic with auto-creation off). A fatal producer error, and the
/// idempotence errors that cause one, are broker_unavailable: this process is going away, and
/// another replica can take the retry.
request_outcome outcome_for_publish_error(RdKafka::ErrorCode code);

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
