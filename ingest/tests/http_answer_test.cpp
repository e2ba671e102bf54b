#include "ingest/http_answer.hpp"

#include <gtest/gtest.h>

namespace tributary::ingest {
namespace {

constexpr std::chrono::seconds retry{7};

TEST(answer_for, accepted_is_202_with_the_delivery_id) {
  const auto answer = answer_for(outcome::accepted{"abc-1"}, retry);
  EXPECT_EQ(answer.status, 202u);
  EXPECT_EQ(answer.body, R"({"delivery":"abc-1"})");
  EXPECT_EQ(answer.retry_after.count(), 0);
}

TEST(answer_for, each_outcome_has_its_status) {
  const std::vector<std::pair<request_outcome, unsigned>> cases{
      {outcome::alive{}, 200},
      {outcome::ready{}, 200},
      {outcome::not_ready{}, 503},
      {outcome::not_found{}, 404},
      {outcome::method_not_allowed{}, 405},
      {outcome::payload_too_large{}, 413},
      {outcome::header_too_large{}, 431},
      {outcome::bad_request{}, 400},
      {outcome::missing_signature{}, 401},
      {outcome::bad_signature{}, 401},
      {outcome::invalid{rejection::missing_event}, 400},
      {outcome::invalid{rejection::missing_delivery_id}, 400},
      {outcome::invalid{rejection::unsupported_media_type}, 415},
      {outcome::invalid{rejection::missing_form_payload}, 400},
      {outcome::invalid{rejection::not_json}, 400},
      {outcome::invalid{rejection::too_deep}, 400},
      {outcome::shutting_down{}, 503},
      {outcome::https_required{}, 400},
      {outcome::over_budget{}, 503},
      {outcome::publish_rejected{}, 500},
      {outcome::broker_unavailable{}, 503},
      {outcome::internal_error{}, 500},
  };
  for (const auto& [result, status] : cases) {
    const auto answer = answer_for(result, retry);
    EXPECT_EQ(answer.status, status) << answer.body;
    if (status >= 400) {
      EXPECT_TRUE(answer.body.starts_with("{\"error\":\"")) << answer.body;
      EXPECT_TRUE(answer.body.ends_with("\"}")) << answer.body;
    }
  }
}

TEST(answer_for, only_unavailability_says_when_to_retry) {
  EXPECT_EQ(answer_for(outcome::broker_unavailable{}, retry).retry_after, retry);
  EXPECT_EQ(answer_for(outcome::not_ready{}, retry).retry_after, retry);
  EXPECT_EQ(answer_for(outcome::over_budget{}, retry).retry_after, retry);
  EXPECT_EQ(answer_for(outcome::shutting_down{}, retry).retry_after, retry);
  EXPECT_EQ(answer_for(outcome::publish_rejected{}, retry).retry_after.count(), 0);
  EXPECT_EQ(answer_for(outcome::internal_error{}, retry).retry_after.count(), 0);
  EXPECT_EQ(answer_for(outcome::bad_signature{}, retry).retry_after.count(), 0);
}

TEST(outcome_for_publish_error, retryable_is_503_and_the_rest_500) {
  const auto status = [](RdKafka::ErrorCode code) {
    return answer_for(outcome_for_publish_error(code), retry).status;
  };
  EXPECT_EQ(status(RdKafka::ERR__QUEUE_FULL), 503u);
  EXPECT_EQ(status(RdKafka::ERR__MSG_TIMED_OUT), 503u);
  EXPECT_EQ(status(RdKafka::ERR__TRANSPORT), 503u);
  // No retry of the same message can fix these.
  EXPECT_EQ(status(RdKafka::ERR_MSG_SIZE_TOO_LARGE), 500u);
  EXPECT_EQ(status(RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED), 500u);
  EXPECT_EQ(status(RdKafka::ERR_INVALID_RECORD), 500u);
  // This process can't go on, but another replica can take the retry.
  EXPECT_EQ(status(RdKafka::ERR__FATAL), 503u);
  EXPECT_EQ(status(RdKafka::ERR_OUT_OF_ORDER_SEQUENCE_NUMBER), 503u);
  // Fixed bodies: nothing of librdkafka's message.
  EXPECT_EQ(answer_for(outcome_for_publish_error(RdKafka::ERR_MSG_SIZE_TOO_LARGE), retry).body,
            R"({"error":"event store refused the event"})");
}

TEST(status_class, groups_by_hundreds) {
  EXPECT_EQ(status_class(202), "2xx");
  EXPECT_EQ(status_class(401), "4xx");
  EXPECT_EQ(status_class(503), "5xx");
}

}  // namespace
}  // namespace tributary::ingest
