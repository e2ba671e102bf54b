// Kubernetes injects KAFKA_PORT, KAFKA_SERVICE_HOST and more into every pod of a namespace with a
// Service named kafka. Those names share the KAFKA_* pass-through's prefix; no component may
// refuse to start because of them (they are left out and named once in a warning).
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/database.hpp"
#include "tests/harness/services.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::optional<std::string>> service_link_variables() {
  return {{"KAFKA_PORT", "tcp://10.0.0.1:9092"},
          {"KAFKA_SERVICE_HOST", "10.0.0.1"},
          {"KAFKA_SERVICE_PORT", "9092"},
          {"KAFKA_PORT_9092_TCP", "tcp://10.0.0.1:9092"},
          {"KAFKA_PORT_9092_TCP_PROTO", "tcp"},
          {"KAFKA_PORT_9092_TCP_PORT", "9092"},
          {"KAFKA_PORT_9092_TCP_ADDR", "10.0.0.1"}};
}

std::string binary(const std::string& relative) {
  return required_environment("TRIBUTARY_BUILD_DIR") + "/" + relative;
}

/// Starts `program` with the service links over `environment`, waits for `started` in its log,
/// and checks it warned about KAFKA_PORT and stops cleanly on SIGTERM.
void expect_starts_despite_service_links(const std::string& program,
                                         std::map<std::string, std::optional<std::string>> environment,
                                         std::string_view started) {
  for (auto& [name, value] : service_link_variables()) environment[name] = value;
  child_process child({{binary(program)}, environment});
  const auto line = child.wait_for_output(started, 60s);
  ASSERT_TRUE(line) << program << " did not start:\n" << child.stderr_text();
  const auto log = child.stderr_text();
  EXPECT_NE(log.find(R"("msg":"ignored: not a librdkafka property","variable":"KAFKA_PORT")"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("rejected"), std::string::npos) << log;
  child.send_signal(SIGTERM);
  const auto status = child.wait_for_exit(60s);
  ASSERT_TRUE(status) << program << " did not stop";
  EXPECT_TRUE(status->success()) << program << ":\n" << child.stderr_text();
}

TEST(service_links, do_not_stop_ingest) {
  expect_starts_despite_service_links(
      "ingest/tributary-ingest",
      {{"KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers()},
       {"KAFKA_TOPIC", fresh_topic("service_links")},
       {"GITHUB_WEBHOOK_SECRET", "s"},
       {"INGEST_LISTEN", "127.0.0.1:0"},
       {"METRICS_LISTEN", "127.0.0.1:0"}},
      R"("msg":"listening")");
}

TEST(service_links, do_not_stop_migrate_or_the_worker) {
  const auto url = create_database("service_links");
  std::map<std::string, std::optional<std::string>> migrate_environment{{"DATABASE_URL", url}};
  for (auto& [name, value] : service_link_variables()) migrate_environment[name] = value;
  child_process migrate({{binary("tools/migrate/tributary-migrate")}, migrate_environment});
  const auto migrated = migrate.wait_for_exit(60s);
  ASSERT_TRUE(migrated && migrated->success()) << migrate.stderr_text();

  expect_starts_despite_service_links(
      "workers/tributary-worker",
      {{"KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers()},
       {"KAFKA_TOPIC", fresh_topic("service_links")},
       {"DATABASE_URL", url},
       {"WORKER_GROUP_ID", "service-links"},
       {"METRICS_LISTEN", "127.0.0.1:0"}},
      R"("msg":"started")");
}

}  // namespace
}  // namespace tributary::testing
