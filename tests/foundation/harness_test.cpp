// The harness itself: examples, child processes, the control channel.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>
#include <rapidjson/document.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <set>

#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/harness/webhook_examples.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

TEST(webhook_examples, all_329_examples_of_58_events_load_as_json) {
  const auto examples = load_webhook_examples();
  EXPECT_EQ(examples.size(), 329u);
  std::set<std::string> events;
  std::size_t with_action = 0;
  for (const auto& example : examples) {
    events.insert(example.event);
    if (!example.action.empty()) ++with_action;
    rapidjson::Document payload;
    payload.Parse(example.payload.c_str());
    ASSERT_FALSE(payload.HasParseError()) << example.event;
    ASSERT_TRUE(payload.IsObject()) << example.event;
    if (!example.action.empty()) {
      EXPECT_EQ(payload["action"].GetString(), example.action);
    }
    EXPECT_EQ(example.payload.find('\n'), std::string::npos) << "not compact: " << example.event;
  }
  EXPECT_EQ(events.size(), 58u);
  EXPECT_GT(with_action, 0u);
  EXPECT_LT(with_action, examples.size());  // push, create, delete... have no action
  EXPECT_TRUE(events.contains("pull_request"));
  EXPECT_TRUE(events.contains("push"));
}

TEST(child_process, captures_output_and_exit_code) {
  child_process child({{"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, {}});
  const auto status = child.wait_for_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->code, 3);
  EXPECT_EQ(child.stdout_text(), "out\n");
  EXPECT_EQ(child.stderr_text(), "err\n");
}

TEST(child_process, sets_and_unsets_environment_variables) {
  ::setenv("TRIBUTARY_HARNESS_PROBE", "inherited", 1);
  child_process child({{"/bin/sh", "-c", "echo \"$FOO:${TRIBUTARY_HARNESS_PROBE-unset}\""},
                       {{"FOO", "bar"}, {"TRIBUTARY_HARNESS_PROBE", std::nullopt}}});
  ASSERT_TRUE(child.wait_for_exit(10s));
  EXPECT_EQ(child.stdout_text(), "bar:unset\n");
}

TEST(child_process, waits_for_a_line_and_delivers_signals) {
  child_process child({{"/bin/sh", "-c", "echo starting; echo ready to serve; exec sleep 60"}, {}});
  const auto line = child.wait_for_output("ready", 10s);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "ready to serve");
  EXPECT_TRUE(child.is_running());
  EXPECT_FALSE(child.wait_for_exit(100ms));
  child.send_signal(SIGTERM);
  const auto status = child.wait_for_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->exited);
  EXPECT_EQ(status->signal, SIGTERM);
}

TEST(child_process, gives_up_waiting_for_output_once_the_child_has_ended) {
  child_process child({{"/bin/sh", "-c", "echo something else"}, {}});
  EXPECT_FALSE(child.wait_for_output("never printed", 60s));
  EXPECT_FALSE(child.is_running());
}

TEST(child_process, a_missing_program_throws) {
  EXPECT_THROW(child_process({{"/nonexistent/program"}, {}}), harness_error);
}

TEST(child_process, the_destructor_kills_the_child_and_its_group) {
  pid_t pid = -1;
  {
    child_process child({{"/bin/sh", "-c", "sleep 60 & exec sleep 60"}, {}});
    pid = child.pid();
    ASSERT_TRUE(child.is_running());
  }
  EXPECT_NE(::kill(pid, 0), 0);
  EXPECT_TRUE(wait_until([pid] { return ::kill(-pid, 0) != 0; }, 10s)) << "group survived";
}

TEST(broker_control, answers_commands_and_reports_errors) {
  broker_control control;
  EXPECT_NO_THROW(control.ping());
  EXPECT_EQ(control.send("no-such-command").rfind("error ", 0), 0u);
  EXPECT_THROW(control.down(99), harness_error);
}

TEST(broker_control, fresh_topics_are_unique_and_have_the_partitions_asked_for) {
  const std::string first = fresh_topic("foundation.topic", 5);
  const std::string second = fresh_topic("foundation.topic", 5);
  EXPECT_NE(first, second);
  EXPECT_THROW(broker_control().create_topic(first, 5), harness_error);  // already exists

  std::string error;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  ASSERT_EQ(conf->set("bootstrap.servers", bootstrap_servers(), error), RdKafka::Conf::CONF_OK);
  std::unique_ptr<RdKafka::Producer> client(RdKafka::Producer::create(conf.get(), error));
  ASSERT_TRUE(client) << error;
  std::unique_ptr<RdKafka::Topic> topic(
      RdKafka::Topic::create(client.get(), first, nullptr, error));
  RdKafka::Metadata* raw = nullptr;
  ASSERT_EQ(client->metadata(false, topic.get(), &raw, 10000), RdKafka::ERR_NO_ERROR);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  ASSERT_EQ(metadata->topics()->size(), 1u);
  EXPECT_EQ(metadata->topics()->front()->partitions()->size(), 5u);
  EXPECT_EQ(metadata->brokers()->size(), 3u);
}

}  // namespace
}  // namespace tributary::testing
