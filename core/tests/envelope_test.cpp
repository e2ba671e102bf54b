#include "core/envelope.hpp"

#include <gtest/gtest.h>

namespace tributary::core::envelope {
namespace {

std::string key_of(const char* json, std::string_view delivery = "d-1") {
  rapidjson::Document document;
  document.Parse(json);
  return message_key(document, delivery);
}

TEST(message_key, prefers_the_repository_full_name) {
  EXPECT_EQ(key_of(R"({"repository":{"full_name":"o/r"},"organization":{"login":"o"},
                      "sender":{"login":"s"}})"),
            "o/r");
}

TEST(message_key, falls_back_to_organization_then_sender_then_delivery) {
  EXPECT_EQ(key_of(R"({"organization":{"login":"o"},"sender":{"login":"s"}})"), "o");
  EXPECT_EQ(key_of(R"({"sender":{"login":"s"}})"), "s");
  EXPECT_EQ(key_of(R"({"zen":"Keep it logically awesome."})", "abc"), "abc");
}

TEST(message_key, ignores_members_of_the_wrong_type) {
  EXPECT_EQ(key_of(R"({"repository":{"full_name":7},"sender":{"login":"s"}})"), "s");
  EXPECT_EQ(key_of(R"({"repository":"o/r"})", "d"), "d");
  EXPECT_EQ(key_of(R"([1,2])", "d"), "d");
}

}  // namespace
}  // namespace tributary::core::envelope
