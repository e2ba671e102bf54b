#include "workers/fold_error.hpp"
#include "workers/payload_node.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::workers {
namespace {

using ::testing::HasSubstr;

rapidjson::Document parse(const char* text) {
  rapidjson::Document document;
  document.Parse(text);
  return document;
}

std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const fold_error& error) {
    return error.what();
  }
  return "no error";
}

TEST(payload_node, reads_required_and_optional_fields) {
  const auto document = parse(R"({"a":{"id":7,"login":"x","ok":true,"gone":null}})");
  const payload_node root(document, "");
  const auto a = root.required_object("a");
  EXPECT_EQ(a.path(), "a");
  EXPECT_EQ(a.required_integer("id"), 7);
  EXPECT_EQ(a.required_string("login"), "x");
  EXPECT_EQ(a.optional_bool("ok"), true);
  EXPECT_EQ(a.optional_string("gone"), std::nullopt);
  EXPECT_EQ(a.optional_integer("absent"), std::nullopt);
  EXPECT_FALSE(a.has("gone"));
  EXPECT_TRUE(a.has("id"));
}

TEST(payload_node, names_the_field_in_every_error) {
  const auto document = parse(R"({"pull_request":{"user":{"id":"7"},"number":1.5}})");
  const payload_node root(document, "");
  const auto pull_request = root.required_object("pull_request");
  EXPECT_EQ(error_of([&] { pull_request.required_object("user").required_string("login"); }),
            "pull_request.user.login is missing");
  EXPECT_EQ(error_of([&] { pull_request.required_object("user").required_integer("id"); }),
            "pull_request.user.id is not an integer");
  EXPECT_EQ(error_of([&] { pull_request.optional_integer("number"); }),
            "pull_request.number is not an integer");
  EXPECT_EQ(error_of([&] { root.required_object("issue"); }), "issue is missing");
}

TEST(payload_node, turns_epoch_seconds_into_rfc3339_and_passes_strings_through) {
  const auto document =
      parse(R"({"created_at":1557933591,"updated_at":"2019-05-15T15:20:41Z","bad":[],"empty":""})");
  const payload_node root(document, "");
  EXPECT_EQ(root.required_time("created_at"), "2019-05-15T15:19:51.000Z");
  EXPECT_EQ(root.required_time("updated_at"), "2019-05-15T15:20:41Z");
  EXPECT_EQ(error_of([&] { root.required_time("bad"); }), "bad is not a timestamp");
  EXPECT_EQ(error_of([&] { root.required_time("empty"); }), "empty is an empty timestamp");
}

TEST(payload_node, refuses_times_that_are_not_times_and_strings_holding_nul) {
  rapidjson::Document document;
  const std::string text =
      R"({"soon":"yesterday","impossible":"2024-13-45T99:00:00Z","offset":"2024-03-05T01:30:00+03:00",)"
      R"("title":"a\u0000b"})";
  document.Parse(text.c_str(), text.size());
  const payload_node root(document, "issue");
  EXPECT_EQ(error_of([&] { root.required_time("soon"); }),
            "issue.soon is not an RFC 3339 timestamp");
  EXPECT_EQ(error_of([&] { root.optional_time("impossible"); }),
            "issue.impossible is not an RFC 3339 timestamp");
  EXPECT_EQ(root.required_time("offset"), "2024-03-05T01:30:00+03:00");
  EXPECT_EQ(error_of([&] { root.required_string("title"); }),
            "issue.title contains a NUL character, which PostgreSQL text can't hold");
}

TEST(payload_node, visits_array_elements_with_their_index_in_the_path) {
  const auto document = parse(R"({"commits":[{"id":"a"},{"x":1}]})");
  const payload_node root(document, "");
  std::vector<std::string> ids;
  EXPECT_EQ(error_of([&] {
              root.for_each_element("commits", [&](const payload_node& commit) {
                ids.push_back(commit.required_string("id"));
              });
            }),
            "commits[1].id is missing");
  EXPECT_EQ(ids, std::vector<std::string>{"a"});
  int visited = 0;
  root.for_each_element("absent", [&](const payload_node&) { ++visited; });
  EXPECT_EQ(visited, 0);
}

TEST(payload_node, refuses_epoch_seconds_beyond_what_the_clock_holds) {
  // 15579335901: year 2463, what fuzz_folds found; the clock's nanoseconds end in 2262.
  const auto document = parse(R"({"late":15579335901,"early":-15579335901,"max":9223372036854775807})");
  const payload_node root(document, "installation");
  for (const char* key : {"late", "early", "max"})
    EXPECT_EQ(error_of([&] { root.required_time(key); }),
              "installation." + std::string(key) + " is a timestamp out of range");
}

}  // namespace
}  // namespace tributary::workers
