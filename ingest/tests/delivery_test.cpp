#include "ingest/delivery.hpp"
#include "core/bounded_json.hpp"
#include "core/form_encoding.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/istreamwrapper.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <stdexcept>

namespace tributary::ingest {
namespace {

/// Example `index` of GitHub's examples of `event`, serialised compactly.
std::string example(std::string_view event, std::size_t index = 0) {
  static const rapidjson::Document examples = [] {
    std::ifstream file(TRIBUTARY_WEBHOOK_EXAMPLES);
    rapidjson::IStreamWrapper stream(file);
    rapidjson::Document document;
    document.ParseStream(stream);
    if (document.HasParseError() || !document.IsArray())
      throw std::runtime_error("cannot read " TRIBUTARY_WEBHOOK_EXAMPLES);
    return document;
  }();
  for (const auto& entry : examples.GetArray()) {
    if (entry["name"].GetString() != event) continue;
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    entry["examples"][static_cast<rapidjson::SizeType>(index)].Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
  }
  throw std::runtime_error("no example of " + std::string(event));
}

webhook_headers headers_for(std::string_view event, std::string_view content_type = "application/json") {
  return {event, "72d3162e-cc78-11e3-81ab-4c9367dc0958", "123456", "repository", "35129377",
          content_type};
}

TEST(parse_delivery, json_body_becomes_the_value_byte_for_byte) {
  const auto body = example("push");
  auto result = parse_delivery(headers_for("push"), body);
  ASSERT_TRUE(std::holds_alternative<delivery>(result));
  const auto& d = std::get<delivery>(result);
  EXPECT_EQ(d.payload, body);
  EXPECT_EQ(d.event, "push");
  EXPECT_EQ(d.id, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  EXPECT_EQ(d.hook_id, "123456");
  EXPECT_EQ(d.target_type, "repository");
  EXPECT_EQ(d.target_id, "35129377");
  EXPECT_EQ(d.key, "Codertocat/Hello-World");
}

TEST(parse_delivery, whitespace_and_key_order_are_kept) {
  // The value is what GitHub sent, never a re-serialisation.
  const auto body = "  {\"zen\" : \"x\",\n \"hook_id\": 1 }\n";
  auto result = parse_delivery(headers_for("ping"), body);
  ASSERT_TRUE(std::holds_alternative<delivery>(result));
  EXPECT_EQ(std::get<delivery>(result).payload, body);
}

TEST(parse_delivery, form_body_becomes_the_decoded_payload) {
  const auto json = example("issues");
  const auto body = "payload=" + core::percent_encode(json);
  auto result = parse_delivery(headers_for("issues", "application/x-www-form-urlencoded"), body);
  ASSERT_TRUE(std::holds_alternative<delivery>(result));
  EXPECT_EQ(std::get<delivery>(result).payload, json);
  EXPECT_EQ(std::get<delivery>(result).key, "Codertocat/Hello-World");
}

TEST(parse_delivery, content_type_parameters_and_case_are_ignored) {
  const auto body = example("star");
  EXPECT_TRUE(std::holds_alternative<delivery>(
      parse_delivery(headers_for("star", "Application/JSON; charset=utf-8"), body)));
}

TEST(parse_delivery, key_falls_back_to_organization_then_sender_then_delivery_id) {
  auto org = parse_delivery(headers_for("organization"), example("organization"));
  ASSERT_TRUE(std::holds_alternative<delivery>(org));
  EXPECT_EQ(std::get<delivery>(org).key, "Octocoders");

  auto installation = parse_delivery(headers_for("installation"), example("installation"));
  ASSERT_TRUE(std::holds_alternative<delivery>(installation));
  EXPECT_EQ(std::get<delivery>(installation).key, "octocat");

  auto advisory = parse_delivery(headers_for("security_advisory"), example("security_advisory"));
  ASSERT_TRUE(std::holds_alternative<delivery>(advisory));
  EXPECT_EQ(std::get<delivery>(advisory).key, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
}

TEST(parse_delivery, optional_hook_headers_stay_empty_when_absent) {
  webhook_headers headers{"ping", "abc-1", {}, {}, {}, "application/json"};
  auto result = parse_delivery(headers, example("ping"));
  ASSERT_TRUE(std::holds_alternative<delivery>(result));
  EXPECT_TRUE(std::get<delivery>(result).hook_id.empty());
  EXPECT_TRUE(std::get<delivery>(result).target_type.empty());
  EXPECT_TRUE(std::get<delivery>(result).target_id.empty());
}

rejection rejected(const webhook_headers& headers, std::string body) {
  auto result = parse_delivery(headers, std::move(body));
  if (std::holds_alternative<delivery>(result)) throw std::runtime_error("accepted");
  return std::get<rejection>(result);
}

TEST(parse_delivery, missing_or_odd_event_is_refused) {
  auto headers = headers_for("");
  EXPECT_EQ(rejected(headers, example("ping")), rejection::missing_event);
  headers.event = "Push";
  EXPECT_EQ(rejected(headers, example("ping")), rejection::missing_event);
  headers.event = "push\r\nx";
  EXPECT_EQ(rejected(headers, example("ping")), rejection::missing_event);
}

TEST(parse_delivery, missing_or_odd_delivery_id_is_refused) {
  auto headers = headers_for("ping");
  headers.delivery = "";
  EXPECT_EQ(rejected(headers, example("ping")), rejection::missing_delivery_id);
  headers.delivery = "a\"b";
  EXPECT_EQ(rejected(headers, example("ping")), rejection::missing_delivery_id);
  const std::string long_id(129, 'a');
  headers.delivery = long_id;
  EXPECT_EQ(rejected(headers, example("ping")), rejection::missing_delivery_id);
}

TEST(parse_delivery, other_media_types_are_refused) {
  for (const auto type : {"", "text/plain", "application/jsonx", "multipart/form-data"})
    EXPECT_EQ(rejected(headers_for("ping", type), example("ping")), rejection::unsupported_media_type)
        << type;
}

TEST(parse_delivery, form_without_payload_is_refused) {
  const auto form = headers_for("ping", "application/x-www-form-urlencoded");
  EXPECT_EQ(rejected(form, "data=" + core::percent_encode(example("ping"))), rejection::missing_form_payload);
  EXPECT_EQ(rejected(form, "payload=%7"), rejection::missing_form_payload);
}

TEST(parse_delivery, bodies_that_are_not_one_json_document_are_refused) {
  const auto json = headers_for("ping");
  EXPECT_EQ(rejected(json, ""), rejection::not_json);
  EXPECT_EQ(rejected(json, "{\"a\":1"), rejection::not_json);
  EXPECT_EQ(rejected(json, "{} {}"), rejection::not_json);
  EXPECT_EQ(rejected(json, "{\"a\":\"\xff\"}"), rejection::not_json);  // not UTF-8
  EXPECT_EQ(rejected(json, "payload=" + core::percent_encode(example("ping"))), rejection::not_json);
  const auto form = headers_for("ping", "application/x-www-form-urlencoded");
  EXPECT_EQ(rejected(form, "payload=not+json"), rejection::not_json);
}

TEST(parse_delivery, deep_nesting_is_refused_without_exhausting_the_stack) {
  // Valid JSON, but deeper than any consumer should have to follow: refused, and no stack
  // overflow on the way.
  for (const auto& deep : {std::string(1'000'000, '[') + std::string(1'000'000, ']'),
                           [] {
                             std::string text;
                             for (int i = 0; i < 50'000; ++i) text += "{\"a\":";
                             return text + "1" + std::string(50'000, '}');
                           }()}) {
    auto result = parse_delivery(headers_for("ping"), deep);
    ASSERT_TRUE(std::holds_alternative<rejection>(result));
    EXPECT_EQ(std::get<rejection>(result), rejection::too_deep);
  }
}

TEST(parse_delivery, nesting_at_the_limit_passes_and_one_deeper_is_too_deep) {
  const auto nested = [](std::size_t depth) {
    return "{\"a\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
  };
  auto at_limit = parse_delivery(headers_for("ping"), nested(core::max_json_depth));
  EXPECT_TRUE(std::holds_alternative<delivery>(at_limit));
  auto over = parse_delivery(headers_for("ping"), nested(core::max_json_depth + 1));
  ASSERT_TRUE(std::holds_alternative<rejection>(over));
  EXPECT_EQ(std::get<rejection>(over), rejection::too_deep);
  // In a form too.
  auto form = parse_delivery(headers_for("ping", "application/x-www-form-urlencoded"),
                             "payload=" + core::percent_encode(nested(core::max_json_depth + 1)));
  ASSERT_TRUE(std::holds_alternative<rejection>(form));
  EXPECT_EQ(std::get<rejection>(form), rejection::too_deep);
}

TEST(parse_delivery, key_comes_from_the_scan_without_a_dom) {
  // Key candidates in the order of the contract, wherever they sit in the object.
  const auto body = R"({"sender":{"login":"octocat"},"organization":{"login":"github"}})";
  auto result = parse_delivery(headers_for("ping"), body);
  ASSERT_TRUE(std::holds_alternative<delivery>(result));
  EXPECT_EQ(std::get<delivery>(result).key, "github");
}

TEST(media_type, strips_parameters_and_case) {
  EXPECT_EQ(media_type(" Application/X-WWW-Form-Urlencoded ; charset=UTF-8"),
            "application/x-www-form-urlencoded");
  EXPECT_EQ(media_type(""), "");
}

}  // namespace
}  // namespace tributary::ingest
