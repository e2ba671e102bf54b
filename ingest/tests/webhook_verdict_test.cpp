#include "ingest/webhook_verdict.hpp"

#include "core/hmac.hpp"

#include <gtest/gtest.h>

namespace tributary::ingest {
namespace {

const std::vector<std::string> secrets{"old", "new"};
const std::string body = R"({"zen":"Keep it simple.","repository":{"full_name":"o/r"}})";

std::string signature(const std::string& secret, const std::string& text) {
  return "sha256=" + core::to_hex(core::hmac_sha256(secret, text));
}

inbound_webhook request(std::string_view signature_header, std::string text = body) {
  return {{"ping", "d-1", "", "", "", "application/json"}, signature_header, std::move(text)};
}

TEST(judge_webhook, signed_json_becomes_a_delivery) {
  const auto header = signature("new", body);
  auto verdict = judge_webhook(request(header), secrets);
  ASSERT_TRUE(std::holds_alternative<delivery>(verdict));
  EXPECT_EQ(std::get<delivery>(verdict).payload, body);
  EXPECT_EQ(std::get<delivery>(verdict).key, "o/r");
}

TEST(judge_webhook, signature_comes_first) {
  auto missing = judge_webhook(request(""), secrets);
  ASSERT_TRUE(std::holds_alternative<request_outcome>(missing));
  EXPECT_TRUE(std::holds_alternative<outcome::missing_signature>(std::get<request_outcome>(missing)));
  // Even a body that is not JSON is a signature failure when unsigned: nothing is parsed first.
  const auto header = signature("wrong", "[[[");
  auto wrong = judge_webhook(request(header, "[[["), secrets);
  ASSERT_TRUE(std::holds_alternative<request_outcome>(wrong));
  EXPECT_TRUE(std::holds_alternative<outcome::bad_signature>(std::get<request_outcome>(wrong)));
}

TEST(judge_webhook, signed_but_invalid_is_the_rejection) {
  const std::string deep = std::string(1000, '[') + std::string(1000, ']');
  const auto header = signature("old", deep);
  auto verdict = judge_webhook(request(header, deep), secrets);
  ASSERT_TRUE(std::holds_alternative<request_outcome>(verdict));
  const auto* invalid = std::get_if<outcome::invalid>(&std::get<request_outcome>(verdict));
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->reason, rejection::too_deep);
}

}  // namespace
}  // namespace tributary::ingest
