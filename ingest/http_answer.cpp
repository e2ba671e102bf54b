#include "ingest/http_answer.hpp"

#include "core/kafka_error.hpp"

namespace tributary::ingest {
namespace {

http_answer error(unsigned status, std::string_view message) {
  return {status, "{\"error\":\"" + std::string(message) + "\"}", std::chrono::seconds(0)};
}

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};

}  // namespace

http_answer answer_for(const request_outcome& result, std::chrono::seconds retry_after) {
  return std::visit(
      overloaded{
          // The id passed parse_delivery's alphabet check, so it needs no JSON escaping.
          [](const outcome::accepted& a) {
            return http_answer{202, "{\"delivery\":\"" + a.delivery_id + "\"}", std::chrono::seconds(0)};
          },
          [](const outcome::alive&) {
            return http_answer{200, "{\"status\":\"alive\"}", std::chrono::seconds(0)};
          },
          [](const outcome::ready&) {
            return http_answer{200, "{\"status\":\"ready\"}", std::chrono::seconds(0)};
          },
          [retry_after](const outcome::not_ready&) {
            auto answer = error(503, "broker unreachable");
            answer.retry_after = retry_after;
            return answer;
          },
          [retry_after](const outcome::shutting_down&) {
            auto answer = error(503, "shutting down");
            answer.retry_after = retry_after;
            return answer;
          },
          [](const outcome::not_found&) { return error(404, "not found"); },
          [](const outcome::method_not_allowed&) { return error(405, "method not allowed"); },
          [](const outcome::payload_too_large&) { return error(413, "payload too large"); },
          [](const outcome::header_too_large&) { return error(431, "request header fields too large"); },
          [](const outcome::bad_request&) { return error(400, "bad request"); },
          [](const outcome::https_required&) { return error(400, "HTTPS required"); },
          [retry_after](const outcome::over_budget&) {
            auto answer = error(503, "server busy, retry later");
            answer.retry_after = retry_after;
            return answer;
          },
          [](const outcome::missing_signature&) { return error(401, "missing signature"); },
          [](const outcome::bad_signature&) { return error(401, "invalid signature"); },
          [](const outcome::invalid& i) {
            switch (i.reason) {
              case rejection::missing_event: return error(400, "missing or invalid X-GitHub-Event");
              case rejection::missing_delivery_id:
                return error(400, "missing or invalid X-GitHub-Delivery");
              case rejection::unsupported_media_type:
                return error(415, "content type must be application/json or application/x-www-form-urlencoded");
              case rejection::missing_form_payload: return error(400, "form body without a payload field");
              case rejection::not_json: return error(400, "payload is not JSON");
              case rejection::too_deep: return error(400, "payload nests JSON too deeply");
            }
            return error(400, "bad request");
          },
          [retry_after](const outcome::broker_unavailable&) {
            auto answer = error(503, "event store unavailable, retry later");
            answer.retry_after = retry_after;
            return answer;
          },
          [](const outcome::publish_rejected&) { return error(500, "event store refused the event"); },
          [](const outcome::internal_error&) { return error(500, "internal error"); },
      },
      result);
}

request_outcome outcome_for_publish_error(RdKafka::ErrorCode code) {
  if (core::is_retryable(code)) return outcome::broker_unavailable{};
  switch (code) {
    // The producer's state failed, not the message: librdkafka raises a fatal error with these
    // (measured: OUT_OF_ORDER_SEQUENCE_NUMBER on a Produce, producer_fault_test), this process
    // exits, and the same message sent again to another replica or after the restart succeeds.
    case RdKafka::ERR__FATAL:
    case RdKafka::ERR_OUT_OF_ORDER_SEQUENCE_NUMBER:
    case RdKafka::ERR_DUPLICATE_SEQUENCE_NUMBER:
    case RdKafka::ERR_INVALID_PRODUCER_EPOCH:
    case RdKafka::ERR_UNKNOWN_PRODUCER_ID:
    case RdKafka::ERR_PRODUCER_FENCED:
      return outcome::broker_unavailable{};
    default:
      return outcome::publish_rejected{};
  }
}

std::string_view status_class(unsigned status) {
  if (status < 200) return "1xx";
  if (status < 300) return "2xx";
  if (status < 400) return "3xx";
  if (status < 500) return "4xx";
  return "5xx";
}

}  // namespace tributary::ingest
