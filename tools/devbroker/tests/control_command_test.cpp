#include "tools/devbroker/control_command.hpp"

#include <gtest/gtest.h>

namespace tributary::devbroker {
namespace {

TEST(control_command, ping) {
  EXPECT_TRUE(std::holds_alternative<ping_command>(parse_control_command("ping")));
  EXPECT_TRUE(std::holds_alternative<ping_command>(parse_control_command("  ping\r")));
  EXPECT_THROW(parse_control_command("ping now"), command_error);
}

TEST(control_command, broker_state) {
  const auto down = std::get<broker_state_command>(parse_control_command("broker-down 2"));
  EXPECT_EQ(down.broker_id, 2);
  EXPECT_FALSE(down.up);
  const auto up = std::get<broker_state_command>(parse_control_command("broker-up all"));
  EXPECT_EQ(up.broker_id, all_brokers);
  EXPECT_TRUE(up.up);
  EXPECT_THROW(parse_control_command("broker-down"), command_error);
  EXPECT_THROW(parse_control_command("broker-down 0"), command_error);
  EXPECT_THROW(parse_control_command("broker-down -1"), command_error);
  EXPECT_THROW(parse_control_command("broker-down two"), command_error);
  EXPECT_THROW(parse_control_command("broker-up 1 2"), command_error);
}

TEST(control_command, push_errors_by_number_and_name) {
  const auto push =
      std::get<push_errors_command>(parse_control_command("push-errors all Produce 6 7 19"));
  EXPECT_EQ(push.broker_id, all_brokers);
  EXPECT_EQ(push.api_key, 0);
  EXPECT_EQ(push.error_codes, (std::vector<int>{6, 7, 19}));

  const auto named = std::get<push_errors_command>(
      parse_control_command("push-errors 3 fetch NOT_LEADER_FOR_PARTITION msg_size_too_large"));
  EXPECT_EQ(named.broker_id, 3);
  EXPECT_EQ(named.api_key, 1);
  EXPECT_EQ(named.error_codes, (std::vector<int>{6, 10}));

  const auto numeric = std::get<push_errors_command>(parse_control_command("push-errors 1 3 5"));
  EXPECT_EQ(numeric.api_key, 3);
  EXPECT_EQ(numeric.error_codes, (std::vector<int>{5}));
}

TEST(control_command, push_errors_refuses_what_a_broker_cannot_send) {
  EXPECT_THROW(parse_control_command("push-errors all Produce"), command_error);
  EXPECT_THROW(parse_control_command("push-errors all Nonsense 6"), command_error);
  EXPECT_THROW(parse_control_command("push-errors all Produce 0"), command_error);
  EXPECT_THROW(parse_control_command("push-errors all Produce -185"), command_error);
  EXPECT_THROW(parse_control_command("push-errors all Produce _MSG_TIMED_OUT"), command_error);
  EXPECT_THROW(parse_control_command("push-errors none Produce 6"), command_error);
}

TEST(control_command, api_key_names) {
  EXPECT_EQ(parse_api_key("Produce"), 0);
  EXPECT_EQ(parse_api_key("METADATA"), 3);
  EXPECT_EQ(parse_api_key("ApiVersions"), 18);
  EXPECT_EQ(parse_api_key("InitProducerId"), 22);
  EXPECT_EQ(parse_api_key("42"), 42);
  EXPECT_EQ(parse_api_key("-1"), std::nullopt);
  EXPECT_EQ(parse_api_key("Produce2"), std::nullopt);
}

TEST(control_command, create_topic) {
  const auto create =
      std::get<create_topic_command>(parse_control_command("create-topic test.topic-1_a 7"));
  EXPECT_EQ(create.name, "test.topic-1_a");
  EXPECT_EQ(create.partitions, 7);
  EXPECT_THROW(parse_control_command("create-topic t 0"), command_error);
  EXPECT_THROW(parse_control_command("create-topic t 10001"), command_error);
  EXPECT_THROW(parse_control_command("create-topic t x"), command_error);
  EXPECT_THROW(parse_control_command("create-topic bad/name 3"), command_error);
  EXPECT_THROW(parse_control_command("create-topic t"), command_error);
}

TEST(control_command, unknown_and_empty) {
  EXPECT_THROW(parse_control_command(""), command_error);
  EXPECT_THROW(parse_control_command("   "), command_error);
  EXPECT_THROW(parse_control_command("shutdown"), command_error);
  try {
    parse_control_command("shutdown");
  } catch (const command_error& e) {
    EXPECT_STREQ(e.what(), "unknown command 'shutdown'");
  }
}

TEST(control_command, topic_names) {
  EXPECT_TRUE(valid_topic_name("github.webhooks"));
  EXPECT_FALSE(valid_topic_name(""));
  EXPECT_FALSE(valid_topic_name(".."));
  EXPECT_FALSE(valid_topic_name("a b"));
  EXPECT_FALSE(valid_topic_name(std::string(250, 'a')));
  EXPECT_TRUE(valid_topic_name(std::string(249, 'a')));
}

}  // namespace
}  // namespace tributary::devbroker
