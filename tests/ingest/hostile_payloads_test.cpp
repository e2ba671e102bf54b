// Every signed-but-hostile body of the harness (deep nesting, wrong types, invalid UTF-8, NUL,
// 20,000 commits, ...) gets the answer CONTRACT.md gives it, and every one accepted reaches the
// topic byte for byte.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/hostile_payloads.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/topic_reader.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tributary::testing {
namespace {

TEST(ingest_hostile_payloads, each_gets_its_documented_answer_and_accepted_ones_arrive_intact) {
  const auto topic = fresh_topic("ingest_hostile");
  running_ingest ingest(topic);
  const auto url = ingest.url();
  const auto host = url.host + ":" + url.port;

  std::map<std::string, std::string> accepted;  // delivery id → body
  for (const auto& hostile : hostile_payloads()) {
    const replay::webhook_delivery delivery{hostile.event, replay::new_delivery_id(), hostile.body};
    const auto request =
        replay::make_webhook_request(delivery, host, url.target, running_ingest::secret, false);
    const auto result = send_one(url, request);
    EXPECT_EQ(result.status, hostile.ingest_status)
        << hostile.name << ": " << result.error << result.body;
    if (result.status == 400u) {
      EXPECT_TRUE(result.body.starts_with("{\"error\":\"")) << hostile.name << ": " << result.body;
    }
    if (result.status == 202u) accepted[delivery.id] = hostile.body;
  }
  ASSERT_FALSE(accepted.empty());
  EXPECT_TRUE(ingest.process().is_running()) << ingest.process().stderr_text();

  const auto messages = read_topic(topic, accepted.size());
  std::map<std::string, int> seen;
  for (const auto& message : messages) {
    const auto id = message.headers.find("github-delivery")->second;
    ++seen[id];
    const auto expected = accepted.find(id);
    ASSERT_NE(expected, accepted.end()) << "a refused body reached the topic: " << id;
    EXPECT_TRUE(message.value == expected->second)
        << id << ": the value differs from the body sent (" << message.value.size() << " vs "
        << expected->second.size() << " bytes)";
  }
  for (const auto& [id, body] : accepted) EXPECT_EQ(seen[id], 1) << id;
}

TEST(ingest_hostile_payloads, nesting_just_over_the_limit_is_400_with_its_own_answer) {
  const auto topic = fresh_topic("ingest_depth");
  running_ingest ingest(topic);
  const auto url = ingest.url();
  const auto nested = [](std::size_t depth) {
    return "{\"a\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
  };
  const auto host = url.host + ":" + url.port;
  const auto send = [&](const std::string& body) {
    const replay::webhook_delivery delivery{"ping", replay::new_delivery_id(), body};
    return send_one(url, replay::make_webhook_request(delivery, host, url.target,
                                                      running_ingest::secret, false));
  };
  EXPECT_EQ(send(nested(128)).status, 202u);
  const auto deep = send(nested(129));
  EXPECT_EQ(deep.status, 400u);
  EXPECT_EQ(deep.body, R"({"error":"payload nests JSON too deeply"})");
}

}  // namespace
}  // namespace tributary::testing
