// tributary-devbroker as a process: what it prints and writes, and how it stops.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/services.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string devbroker_binary() {
  return required_environment("TRIBUTARY_BUILD_DIR") + "/tools/devbroker/tributary-devbroker";
}

std::string first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(devbroker, prints_and_writes_its_addresses_and_cleans_up_on_sigterm) {
  const fs::path folder =
      fs::temp_directory_path() / ("devbroker-test-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  const fs::path bootstrap = folder / "bootstrap";
  const fs::path control = folder / "control";

  child_process broker(
      {{devbroker_binary(), "--brokers", "2", "--partitions", "4", "--topic", "one", "--topic",
        "two", "--bootstrap-file", bootstrap.string(), "--control-file", control.string()},
       {}});
  const auto control_line = broker.wait_for_output("control=", 30s);
  ASSERT_TRUE(control_line) << broker.stderr_text();
  const auto bootstrap_line = broker.wait_for_output("bootstrap.servers=", 1s);
  ASSERT_TRUE(bootstrap_line);

  EXPECT_EQ("bootstrap.servers=" + first_line(bootstrap), *bootstrap_line);
  EXPECT_EQ("control=" + first_line(control), *control_line);
  const std::string servers = first_line(bootstrap);
  EXPECT_EQ(std::count(servers.begin(), servers.end(), ','), 1) << servers;  // two brokers
  EXPECT_EQ(first_line(control).rfind("127.0.0.1:", 0), 0u);

  broker_control channel(first_line(control));
  EXPECT_NO_THROW(channel.ping());
  EXPECT_THROW(channel.create_topic("one", 4), harness_error);  // made at start
  EXPECT_NO_THROW(channel.create_topic("three", 2));
  EXPECT_THROW(channel.down(3), harness_error);  // only brokers 1 and 2

  broker.send_signal(SIGTERM);
  const auto status = broker.wait_for_exit(30s);
  ASSERT_TRUE(status) << "devbroker ignored SIGTERM";
  EXPECT_TRUE(status->success()) << "exit " << status->code << " signal " << status->signal;
  EXPECT_FALSE(fs::exists(bootstrap));
  EXPECT_FALSE(fs::exists(control));
  fs::remove_all(folder);
}

TEST(devbroker, a_bad_flag_is_one_line_and_exit_2) {
  child_process broker({{devbroker_binary(), "--brokers", "zero"}, {}});
  const auto status = broker.wait_for_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 2);
  const std::string error = broker.stderr_text();
  EXPECT_EQ(std::count(error.begin(), error.end(), '\n'), 1) << error;
}

}  // namespace
}  // namespace tributary::testing
