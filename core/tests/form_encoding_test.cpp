#include "core/form_encoding.hpp"

#include <gtest/gtest.h>

namespace tributary::core {
namespace {

TEST(form_decoding, plus_is_space_and_percent_is_a_byte) {
  EXPECT_EQ(percent_decode("a+b%20c%2Bd%25"), "a b c+d%");
  EXPECT_EQ(percent_decode("%e2%9C%93"), "\xe2\x9c\x93");
}

TEST(form_decoding, malformed_escapes_are_refused) {
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("abc%2"));
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_FALSE(percent_decode("%2g"));
}

TEST(form_decoding, finds_the_named_field_among_others) {
  EXPECT_EQ(form_field("payload=%7B%7D", "payload"), "{}");
  EXPECT_EQ(form_field("a=1&payload=x+y&b=2", "payload"), "x y");
  EXPECT_EQ(form_field("pay%6Coad=z", "payload"), "z");
  EXPECT_EQ(form_field("payload=", "payload"), "");
  EXPECT_EQ(form_field("payload", "payload"), "");
  EXPECT_EQ(form_field("payload=1&payload=2", "payload"), "1");
}

TEST(form_decoding, absent_or_malformed_field_is_nothing) {
  EXPECT_FALSE(form_field("", "payload"));
  EXPECT_FALSE(form_field("payloads=1&xpayload=2", "payload"));
  EXPECT_FALSE(form_field("payload=%7", "payload"));
}

TEST(form_decoding, encode_then_decode_is_identity_for_every_byte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  const auto encoded = percent_encode(all);
  EXPECT_EQ(encoded.find(' '), std::string::npos);
  EXPECT_EQ(encoded.find('&'), std::string::npos);
  EXPECT_EQ(encoded.find('='), std::string::npos);
  EXPECT_EQ(percent_decode(encoded), all);
  EXPECT_EQ(form_field("payload=" + encoded, "payload"), all);
}

}  // namespace
}  // namespace tributary::core
