#include "workers/event.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace tributary::workers {
namespace {

using namespace std::chrono;

incoming_message message_with(std::vector<std::pair<std::string, std::optional<std::string>>> headers,
                              std::optional<std::string> value) {
  incoming_message message;
  message.topic = "t";
  message.partition = 3;
  message.offset = 42;
  message.headers = std::move(headers);
  message.value = std::move(value);
  return message;
}

const system_clock::time_point now{sys_days{2026y / 11 / 23} + hours(17)};

TEST(decode_message, reads_the_envelope_and_the_action) {
  const auto message = message_with({{"github-event", "issues"},
                                     {"github-delivery", "d-1"},
                                     {"received-at", "2026-11-23T17:05:36.123Z"},
                                     {"source", "reconciler"},
                                     {"github-hook-id", "99"}},
                                    R"({"action":"opened","issue":{}})");
  const auto decoded = decode_message(message, now);
  ASSERT_TRUE(decoded.decoded) << decoded.rejection;
  EXPECT_EQ(decoded.decoded->name, "issues");
  EXPECT_EQ(decoded.decoded->delivery_id, "d-1");
  EXPECT_EQ(decoded.decoded->action, "opened");
  EXPECT_EQ(decoded.decoded->source, "reconciler");
  EXPECT_EQ(decoded.decoded->hook_id, "99");
  EXPECT_EQ(decoded.decoded->received_at_text, "2026-11-23T17:05:36.123Z");
  EXPECT_EQ(decoded.decoded->message, &message);
}

TEST(decode_message, rejects_what_can_never_fold) {
  const auto reason = [](incoming_message message) {
    return decode_message(message, now).rejection;
  };
  EXPECT_EQ(reason(message_with({{"github-delivery", "d"}}, "{}")), "header github-event is missing");
  EXPECT_EQ(reason(message_with({{"github-event", "push"}}, "{}")),
            "header github-delivery is missing");
  EXPECT_EQ(reason(message_with({{"github-event", "push"}, {"github-delivery", std::nullopt}}, "{}")),
            "header github-delivery is missing");
  EXPECT_EQ(reason(message_with({{"github-event", "push"}, {"github-delivery", "d"}}, std::nullopt)),
            "the message has no value (a null body)");
  EXPECT_EQ(reason(message_with({{"github-event", "push"}, {"github-delivery", "d"}}, "[1]")),
            "the body is JSON but not an object");
  EXPECT_EQ(reason(message_with({{"github-event", "push\x01"}, {"github-delivery", "d"}}, "{}")),
            "header github-event is not printable ASCII");
  const auto bad_json = reason(message_with({{"github-event", "push"}, {"github-delivery", "d"}}, "{\"a\":"));
  EXPECT_EQ(bad_json.rfind("the body is not JSON: ", 0), 0u) << bad_json;
  const auto bad_utf8 =
      reason(message_with({{"github-event", "push"}, {"github-delivery", "d"}}, "{\"a\":\"\xff\"}"));
  EXPECT_EQ(bad_utf8.rfind("the body is not JSON: ", 0), 0u) << bad_utf8;
}

TEST(decode_message, falls_back_to_the_message_timestamp_then_to_now) {
  auto message = message_with({{"github-event", "ping"}, {"github-delivery", "d"},
                               {"received-at", "yesterday"}},
                              "{}");
  message.timestamp_ms = 1'700'000'000'123;
  EXPECT_EQ(decode_message(message, now).decoded->received_at_text, "2023-11-14T22:13:20.123Z");
  message.timestamp_ms.reset();
  EXPECT_EQ(decode_message(message, now).decoded->received_at, now);
  EXPECT_EQ(decode_message(message, now).decoded->source, "webhook");
  // Beyond what system_clock holds (year 2262): absent, not an overflow.
  message.timestamp_ms = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(decode_message(message, now).decoded->received_at, now);
  message.timestamp_ms = 17'672'688'000'900;  // year 2530, what fuzz_event found
  EXPECT_EQ(decode_message(message, now).decoded->received_at, now);
}

}  // namespace
}  // namespace tributary::workers
