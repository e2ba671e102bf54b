#include "workers/raw_copy.hpp"

#include <gtest/gtest.h>

namespace tributary::workers {
namespace {

TEST(append_copy_field, escapes_the_four_bytes_copy_text_format_reserves) {
  std::string line = "x\t";
  append_copy_field(line, "a\\b\nc\rd\te");
  EXPECT_EQ(line, "x\ta\\\\b\\nc\\rd\\te");
}

TEST(append_copy_field, keeps_every_other_byte_as_it_is) {
  std::string line;
  const std::string text = std::string("plain \"json\" caf\xc3\xa9 \\N ") + '\x01' + "\x7f\xff";
  append_copy_field(line, "");
  EXPECT_EQ(line, "");
  append_copy_field(line, "plain");
  EXPECT_EQ(line, "plain");
  line.clear();
  append_copy_field(line, text);
  EXPECT_EQ(line, std::string("plain \"json\" caf\xc3\xa9 \\\\N ") + '\x01' + "\x7f\xff");
}

TEST(append_copy_field, a_null_is_backslash_n) {
  std::string line;
  append_copy_null(line);
  EXPECT_EQ(line, "\\N");
}

}  // namespace
}  // namespace tributary::workers
