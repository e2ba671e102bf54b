#include "tools/devbroker/options.hpp"

#include <gtest/gtest.h>

namespace tributary::devbroker {
namespace {

TEST(devbroker_options, defaults) {
  const auto parsed = parse_options({});
  EXPECT_EQ(parsed.brokers, 3);
  EXPECT_EQ(parsed.partitions, 12);
  EXPECT_EQ(parsed.topics, std::vector<std::string>{"github.webhooks"});
  EXPECT_TRUE(parsed.bootstrap_file.empty());
  EXPECT_FALSE(parsed.help);
}

TEST(devbroker_options, every_flag) {
  const auto parsed =
      parse_options({"--brokers", "1", "--partitions=4", "--topic", "a", "--topic=b",
                     "--bootstrap-file", "/tmp/x", "--control-file=/tmp/y", "--help"});
  EXPECT_EQ(parsed.brokers, 1);
  EXPECT_EQ(parsed.partitions, 4);
  EXPECT_EQ(parsed.topics, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parsed.bootstrap_file, "/tmp/x");
  EXPECT_EQ(parsed.control_file, "/tmp/y");
  EXPECT_TRUE(parsed.help);
}

TEST(devbroker_options, refuses_bad_values) {
  EXPECT_THROW(parse_options({"--brokers", "0"}), options_error);
  EXPECT_THROW(parse_options({"--brokers"}), options_error);
  EXPECT_THROW(parse_options({"--partitions", "many"}), options_error);
  EXPECT_THROW(parse_options({"--topic", "no spaces"}), options_error);
  EXPECT_THROW(parse_options({"--verbose"}), options_error);
  EXPECT_THROW(parse_options({"--bootstrap-file="}), options_error);
}

}  // namespace
}  // namespace tributary::devbroker
