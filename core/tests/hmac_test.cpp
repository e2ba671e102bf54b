#include "core/hmac.hpp"

#include <gtest/gtest.h>

namespace tributary::core {
namespace {

TEST(hmac_sha256, matches_githubs_documented_test_vector) {
  EXPECT_EQ(to_hex(hmac_sha256("It's a Secret to Everybody", "Hello, World!")),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST(hmac_sha256, depends_on_the_key) {
  EXPECT_NE(to_hex(hmac_sha256("a", "Hello, World!")), to_hex(hmac_sha256("b", "Hello, World!")));
}

TEST(constant_time_equal, compares_contents_and_lengths) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(to_hex, writes_lower_case_pairs) {
  const std::uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(to_hex(bytes, sizeof bytes), "000fa0ff");
}

}  // namespace
}  // namespace tributary::core
