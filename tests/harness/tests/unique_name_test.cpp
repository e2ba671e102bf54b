#include "tests/harness/unique_name.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tributary::testing {
namespace {

TEST(unique_name, sanitises_and_never_repeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(unique_name("Ingest-Test")).second);
  const std::string name = *seen.begin();
  EXPECT_EQ(name.rfind("ingest_test_", 0), 0u) << name;
  EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos);
}

TEST(unique_name, respects_the_length_limit_and_keeps_the_suffix_whole) {
  const std::string name = unique_name(std::string(100, 'a'), 63);
  EXPECT_LE(name.size(), 63u);
  EXPECT_NE(unique_name(std::string(100, 'a'), 63), name);
  EXPECT_EQ(unique_name("9lives").front(), 't');  // PostgreSQL names don't start with a digit
}

}  // namespace
}  // namespace tributary::testing
