#include "ingest/http_answer.hpp"

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
          [](const outcome::not_found&) { return error(404, "not found"); },
          [](const outcome::method_not_allowed&) { return error(405, "method not allowed"); },
          [](const outcome::payload_too_large&) { return error(413, "payload too large"); },
          [](const outcome::header_too_large&) { return error(431, "request header fields too large"); },
          [](const outcome::bad_request&) { return error(400, "bad request"); },
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
            }
            return error(400, "bad request");
          },
          [retry_after](const outcome::broker_unavailable&) {
            auto answer = error(503, "event store unavailable, retry later");
            answer.retry_after = retry_after;
            return answer;
          },
          [](const outcome::internal_error&) { return error(500, "internal error"); },
      },
      result);
}

std::string_view status_class(unsigned status) {
  if (status < 200) return "1xx";
  if (status < 300) return "2xx";
  if (status < 400) return "3xx";
  if (status < 500) return "4xx";
  return "5xx";
}

}  // namespace tributary::ingest
