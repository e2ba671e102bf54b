#include "core/bounded_json.hpp"
#include "core/envelope.hpp"

#include <gtest/gtest.h>
#include <rapidjson/memorystream.h>

#include <string>

namespace tributary::core {
namespace {

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string nested_objects(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += "{\"a\":";
  text += "1";
  text += std::string(depth, '}');
  return text;
}

TEST(parse_bounded_json, builds_the_document_within_the_limit) {
  rapidjson::Document document;
  const auto check = parse_bounded_json(document, R"({"a":[1,{"b":"c"}],"d":null})");
  ASSERT_TRUE(check.ok()) << check.message;
  ASSERT_TRUE(document.IsObject());
  EXPECT_STREQ(document["a"][1]["b"].GetString(), "c");
  EXPECT_TRUE(document["d"].IsNull());
}

TEST(parse_bounded_json, accepts_exactly_the_limit_and_refuses_one_more) {
  rapidjson::Document document;
  EXPECT_TRUE(parse_bounded_json(document, nested_arrays(5), 5).ok());
  const auto deeper = parse_bounded_json(document, nested_arrays(6), 5);
  EXPECT_EQ(deeper.verdict, json_verdict::too_deep);
  EXPECT_EQ(deeper.message, "JSON nested deeper than 5 levels");
  EXPECT_TRUE(document.IsNull());
}

// The bodies that crashed the recursive parser: 200,000 brackets and 50,000 nested objects.
TEST(parse_bounded_json, refuses_hostile_depth_without_recursion) {
  rapidjson::Document document;
  EXPECT_EQ(parse_bounded_json(document, nested_arrays(200'000)).verdict, json_verdict::too_deep);
  EXPECT_EQ(parse_bounded_json(document, nested_objects(50'000)).verdict, json_verdict::too_deep);
  // Unbalanced and deep: the depth is what is reported, it is met first.
  EXPECT_EQ(parse_bounded_json(document, std::string(300'000, '[')).verdict, json_verdict::too_deep);
}

TEST(parse_bounded_json, refuses_what_is_not_json_or_not_utf8) {
  rapidjson::Document document;
  EXPECT_EQ(parse_bounded_json(document, "{\"a\":").verdict, json_verdict::not_json);
  EXPECT_EQ(parse_bounded_json(document, "").verdict, json_verdict::not_json);
  EXPECT_EQ(parse_bounded_json(document, "{} {}").verdict, json_verdict::not_json);
  const auto invalid_utf8 = parse_bounded_json(document, "{\"a\":\"\xff\xfe\"}");
  EXPECT_EQ(invalid_utf8.verdict, json_verdict::not_json);
  EXPECT_NE(invalid_utf8.message.find("offset"), std::string::npos);
}

// Well-formed UTF-8 exactly as the Unicode Standard's table 3-7 has it, wherever it sits.
TEST(parse_bounded_json, accepts_well_formed_utf8_and_nothing_else) {
  rapidjson::Document document;
  const auto in_string = [](const std::string& bytes) { return "{\"a\":\"" + bytes + "\"}"; };
  for (const std::string good : {"caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                 "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80",
                                 "0123456789abcdef\xc2\x80"}) {
    EXPECT_TRUE(parse_bounded_json(document, in_string(good)).ok()) << good;
    EXPECT_TRUE(scan_payload(in_string(good)).check.ok()) << good;
  }
  for (const std::string bad :
       {"\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80",
        "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\x80",
        "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xe2\x28\xa1", "0123456789abcdef\xc3("}) {
    const auto check = parse_bounded_json(document, in_string(bad));
    EXPECT_EQ(check.verdict, json_verdict::not_json) << bad;
    EXPECT_EQ(check.message.rfind("Invalid encoding in string.", 0), 0u) << check.message;
    EXPECT_EQ(scan_payload(in_string(bad)).check.verdict, json_verdict::not_json) << bad;
  }
}

TEST(parse_bounded_json, keeps_nul_characters_inside_strings) {
  rapidjson::Document document;
  ASSERT_TRUE(parse_bounded_json(document, R"({"a":"x\u0000y"})").ok());
  EXPECT_EQ(document["a"].GetStringLength(), 3u);
}

TEST(scan_payload, finds_the_key_candidates_of_the_root_object) {
  const auto scan = scan_payload(
      R"({"action":"opened","repository":{"id":1,"owner":{"login":"o","full_name":"no"},
          "full_name":"o/r"},"organization":{"login":"org"},"sender":{"login":"s"}})");
  ASSERT_TRUE(scan.check.ok());
  EXPECT_TRUE(scan.root_is_object);
  EXPECT_EQ(scan.repository_full_name, "o/r");
  EXPECT_EQ(scan.organization_login, "org");
  EXPECT_EQ(scan.sender_login, "s");
  EXPECT_EQ(envelope::message_key(scan, "d"), "o/r");
}

TEST(scan_payload, agrees_with_the_dom_lookup_on_odd_shapes) {
  for (const char* text : {
           R"({"repository":{"full_name":7},"sender":{"login":"s"}})",
           R"({"repository":"o/r","sender":{"login":"s"}})",
           R"({"repository":{"full_name":""},"organization":{"login":"o"}})",
           R"({"repository":{"full_name":["x"]},"sender":{"login":"s"}})",
           R"({"repository":{"full_name":{"full_name":"x"}},"sender":{"login":"s"}})",
           R"({"repository":{"full_name":1,"full_name":"late"},"sender":{"login":"s"}})",
           R"({"zen":"Keep it logically awesome."})",
           R"({"sender":{"login":"first"},"sender":{"login":"second"}})",
           R"({"x":{"repository":{"full_name":"deep"}}})",
           R"([{"repository":{"full_name":"o/r"}}])",
           R"("just a string")",
       }) {
    rapidjson::Document document;
    document.Parse(text);
    ASSERT_FALSE(document.HasParseError()) << text;
    const auto scan = scan_payload(text);
    ASSERT_TRUE(scan.check.ok()) << text;
    EXPECT_EQ(envelope::message_key(scan, "d"), envelope::message_key(document, "d")) << text;
    EXPECT_EQ(scan.root_is_object, document.IsObject()) << text;
  }
}

TEST(scan_payload, refuses_as_the_parser_does) {
  EXPECT_EQ(scan_payload(nested_arrays(200'000)).check.verdict, json_verdict::too_deep);
  EXPECT_EQ(scan_payload("{\"a\":\"\xc3\x28\"}").check.verdict, json_verdict::not_json);
  const auto broken = scan_payload(R"({"repository":{"full_name":"o/r"})");
  EXPECT_EQ(broken.check.verdict, json_verdict::not_json);
  EXPECT_TRUE(broken.repository_full_name.empty());
}

// The reference: rapidjson's validating parse of the bytes, as both functions did before they
// checked UTF-8 apart and read a NUL-terminated stream, except that the whole text must be read: a
// NUL byte after the root ended rapidjson's input, and the bytes after it passed unread.
bool reference_accepts(const std::string& text) {
  rapidjson::Document document;
  rapidjson::MemoryStream stream(text.data(), text.size());
  document.ParseStream<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(stream);
  return !document.HasParseError() && text.find('\0') == std::string::npos;
}

TEST(scan_payload, the_fast_parse_judges_as_the_validating_parse) {
  using namespace std::string_literals;
  const std::string texts[] = {
      R"({"a":"plain","b":[1,2.5e3,-0,true,false,null]})",
      R"({"a":"escapes \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"})",
      R"({"a":"\ud800"})",                      // a lone high surrogate
      R"({"a":"\udc00x"})",                     // a lone low surrogate
      R"({"a":"\u12"})",                        // a short escape
      R"({"a":"\q"})",                          // an unknown escape
      "{\"a\":\"tab\there\"}",                  // a raw control byte in a string
      "{\"a\":\"x\"}\0trailing"s,             // a NUL after the root
      "{\"a\":\"x\0y\"}"s,                     // a NUL inside a string
      "\0"s,
      "",
      "   ",
      R"({"a":"0123456789abcdef0123456789abcdef0123456789abcdef"})",  // runs longer than 16 bytes
      R"({"a":"0123456789abcdef0123456789abcd"ef"})",
      "{\"a\":\"\xc3\xa9t\xc3\xa9\"}",           // UTF-8, validated as before
      "{\"a\":\"\xc3\x28\"}",                    // broken UTF-8
      "{\"a\":\"\xed\xa0\x80\"}",                // an encoded surrogate
      R"([1,2,)",
      R"({"a":1}{"b":2})",
  };
  EXPECT_FALSE(reference_accepts("{\"a\":\"x\"}\0trailing"s));
  for (const auto& text : texts) {
    EXPECT_EQ(scan_payload(text).check.ok(), reference_accepts(text)) << text;
    rapidjson::Document document;
    EXPECT_EQ(parse_bounded_json(document, text).ok(), reference_accepts(text)) << text;
  }
  // Every length around the 16-byte blocks, so that a string's end falls at each place in one.
  for (std::size_t length = 0; length < 48; ++length) {
    const auto text = R"({"a":")" + std::string(length, 'x') + R"("})";
    EXPECT_TRUE(scan_payload(text).check.ok()) << length;
    EXPECT_FALSE(scan_payload(text.substr(0, text.size() - 2)).check.ok()) << length;
  }
}

// Texts up to 64 KiB are read in situ from a copy, larger ones where they are: the same keys and
// verdicts either way, escapes unescaped, and the caller's text untouched.
TEST(scan_payload, the_in_situ_copy_and_the_large_text_scan_agree) {
  const std::string small =
      R"({"repository":{"full\u005fname":"o\/r\"x"},"sender":{"login":"s"},"pad":"PAD"})";
  const auto padded = [&](std::size_t pad) {
    auto text = small;
    text.replace(text.find("PAD"), 3, std::string(pad, 'p'));
    return text;
  };
  for (const auto& text : {padded(10), padded(70 * 1024)}) {
    const auto before = text;
    const auto scan = scan_payload(text);
    EXPECT_TRUE(scan.check.ok()) << text.size();
    EXPECT_EQ(scan.repository_full_name, "o/r\"x") << text.size();
    EXPECT_EQ(scan.sender_login, "s") << text.size();
    EXPECT_EQ(text, before);
    EXPECT_FALSE(scan_payload(text.substr(0, text.size() - 1)).check.ok()) << text.size();
  }
}

}  // namespace
}  // namespace tributary::core
