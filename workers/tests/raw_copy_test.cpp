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

// The scan goes sixteen bytes at a time: every length around those blocks, with each of the
// four bytes at every position, must escape exactly as byte by byte.
TEST(append_copy_field, escapes_at_every_position_of_the_blocks_scanned) {
  const auto byte_by_byte = [](const std::string& text) {
    std::string escaped;
    for (const char c : text) {
      switch (c) {
        case '\\': escaped += "\\\\"; break;
        case '\n': escaped += "\\n"; break;
        case '\r': escaped += "\\r"; break;
        case '\t': escaped += "\\t"; break;
        default: escaped += c;
      }
    }
    return escaped;
  };
  for (std::size_t length = 0; length <= 50; ++length) {
    for (const char special : {'\\', '\n', '\r', '\t'}) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string text(length, 'a');
        text[at] = special;
        if (at + 17 < length) text[at + 17] = '\\';
        std::string line;
        append_copy_field(line, text);
        ASSERT_EQ(line, byte_by_byte(text)) << "length " << length << ", at " << at;
      }
    }
  }
}

TEST(append_copy_field, a_null_is_backslash_n) {
  std::string line;
  append_copy_null(line);
  EXPECT_EQ(line, "\\N");
}

}  // namespace
}  // namespace tributary::workers
