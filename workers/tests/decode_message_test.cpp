#include "workers/event.hpp"

#include "core/bounded_json.hpp"

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

const system_clock::time_point now{sys_days{2026y / 11 / 23} + hours(18)};

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

TEST(decode_message, rejects_bodies_nested_deeper_than_the_limit_without_recursing) {
  const auto reason = [](std::string body) {
    return decode_message(message_with({{"github-event", "push"}, {"github-delivery", "d"}},
                                       std::move(body)),
                          now)
        .rejection;
  };
  // Far deeper than any recursive parser's stack allows: the worker must not crash on them.
  EXPECT_EQ(reason(std::string(200'000, '[') + std::string(200'000, ']')),
            "the body is JSON nested deeper than 128 levels");
  std::string objects;
  for (int i = 0; i < 50'000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(50'000, '}');
  EXPECT_EQ(reason(objects), "the body is JSON nested deeper than 128 levels");
  // At the limit it folds; one level more it does not.
  const auto nested = [](std::size_t depth) {
    std::string body = "{\"x\":";
    body += std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
    return body;
  };
  EXPECT_EQ(reason(nested(core::max_json_depth)), "");
  EXPECT_EQ(reason(nested(core::max_json_depth + 1)), "the body is JSON nested deeper than 128 levels");
}

TEST(decode_message, keeps_the_envelope_of_a_body_it_rejects) {
  const auto decoded = decode_message(message_with({{"github-event", "ping"},
                                                    {"github-delivery", "d-7"},
                                                    {"source", "reconciler"},
                                                    {"received-at", "2026-11-23T17:05:36.123Z"}},
                                                   "[{\"zen\":\"x\"}]"),
                                      now);
  EXPECT_FALSE(decoded.decoded);
  EXPECT_EQ(decoded.rejection, "the body is JSON but not an object");
  EXPECT_EQ(decoded.envelope.delivery_id, "d-7");
  EXPECT_EQ(decoded.envelope.name, "ping");
  EXPECT_EQ(decoded.envelope.source, "reconciler");
  EXPECT_EQ(decoded.envelope.received_at_text, "2026-11-23T17:05:36.123Z");

  // A header that is missing or unusable is left out (the source defaults); the others are kept.
  const auto no_event = decode_message(
      message_with({{"github-delivery", "d-8"}, {"source", "bad\x01"}}, "{}"), now);
  EXPECT_EQ(no_event.rejection, "header github-event is missing");
  EXPECT_EQ(no_event.envelope.delivery_id, "d-8");
  EXPECT_FALSE(no_event.envelope.name);
  EXPECT_EQ(no_event.envelope.source, "webhook");  // the documented default

  // An accepted message carries the same fields (the source defaulted to webhook).
  const auto accepted =
      decode_message(message_with({{"github-event", "ping"}, {"github-delivery", "d-9"}}, "{}"), now);
  ASSERT_TRUE(accepted.decoded);
  EXPECT_EQ(accepted.envelope.delivery_id, "d-9");
  EXPECT_EQ(accepted.envelope.source, "webhook");
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

TEST(decode_message, a_received_at_from_the_future_is_brought_back_to_now) {
  // Else it would outrank every later delivery of the same rows until that time came.
  const auto message = message_with({{"github-event", "ping"}, {"github-delivery", "d"},
                                     {"received-at", "2099-01-01T00:00:00.000Z"}},
                                    "{}");
  EXPECT_EQ(decode_message(message, now).decoded->received_at, now);
  EXPECT_EQ(decode_message(message, now).decoded->received_at_text, "2026-11-23T18:00:00.000Z");
}

}  // namespace
}  // namespace tributary::workers
