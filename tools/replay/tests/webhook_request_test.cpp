#include "tools/replay/webhook_request.hpp"

#include "ingest/delivery.hpp"
#include "core/form_encoding.hpp"
#include "ingest/signature.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tributary::replay {
namespace {

constexpr std::string_view secret = "It's a Secret to Everybody";

TEST(webhook_request, signatures_match_githubs_test_vector) {
  EXPECT_EQ(sha256_signature(secret, "Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  // openssl dgst -sha1 -hmac "It's a Secret to Everybody" <<< -n "Hello, World!"
  EXPECT_EQ(sha1_signature(secret, "Hello, World!"), "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59");
}

TEST(webhook_request, json_request_carries_githubs_headers_and_verifies) {
  const webhook_delivery delivery{"ping", new_delivery_id(), R"({"zen":"Keep it simple."})"};
  const auto request = make_webhook_request(delivery, "example.test:8443", "/hook", secret, false);
  EXPECT_EQ(request.method(), boost::beast::http::verb::post);
  EXPECT_EQ(request.target(), "/hook");
  EXPECT_EQ(request["Host"], "example.test:8443");
  EXPECT_EQ(request["X-GitHub-Event"], "ping");
  EXPECT_EQ(request["X-GitHub-Delivery"], delivery.id);
  EXPECT_EQ(request["X-GitHub-Hook-ID"], "123456789");
  EXPECT_EQ(request["X-GitHub-Hook-Installation-Target-Type"], "repository");
  EXPECT_EQ(request["X-GitHub-Hook-Installation-Target-ID"], "35129377");
  EXPECT_TRUE(request["User-Agent"].starts_with("GitHub-Hookshot/"));
  EXPECT_EQ(request["Content-Type"], "application/json");
  EXPECT_EQ(request.body(), delivery.payload);
  EXPECT_EQ(request["Content-Length"], std::to_string(delivery.payload.size()));
  const std::vector<std::string> secrets{std::string(secret)};
  EXPECT_TRUE(ingest::verify_signature(secrets, request.body(), request["X-Hub-Signature-256"]));
  EXPECT_EQ(request["X-Hub-Signature"], sha1_signature(secret, request.body()));
}

TEST(webhook_request, form_request_signs_the_form_and_decodes_to_the_payload) {
  const webhook_delivery delivery{"issues", "abc", "{\"title\":\"a & b = c + d %\",\"x\":\"\xc3\xa9\"}"};
  const auto request = make_webhook_request(delivery, "h", "/", secret, true);
  EXPECT_EQ(request["Content-Type"], "application/x-www-form-urlencoded");
  EXPECT_TRUE(request.body().starts_with("payload="));
  EXPECT_EQ(core::form_field(request.body(), "payload"), delivery.payload);
  const std::vector<std::string> secrets{std::string(secret)};
  EXPECT_TRUE(ingest::verify_signature(secrets, request.body(), request["X-Hub-Signature-256"]));
  EXPECT_FALSE(ingest::verify_signature(secrets, delivery.payload, request["X-Hub-Signature-256"]));
}

TEST(webhook_request, delivery_ids_are_distinct_uuids) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const auto id = new_delivery_id();
    EXPECT_EQ(id.size(), 36u);
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace tributary::replay
