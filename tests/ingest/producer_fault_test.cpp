// Producer errors that no retry can fix, pushed through the devbroker's control channel: a fatal
// idempotent-producer error turns /readyz to 503 and ends ingest non-zero; a permanent produce
// error answers 500, not 503. Pushed errors reach every producer of the shared devbroker, so this
// file belongs to the RUN_SERIAL binary.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/ingest/raw_connection.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/topic_reader.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>


namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

// Kafka protocol error codes (org.apache.kafka.common.protocol.Errors).
constexpr int out_of_order_sequence_number = 45;
constexpr int topic_authorization_failed = 29;

std::map<std::string, std::optional<std::string>> quick_probe() {
  return {{"INGEST_READY_PROBE_INTERVAL", "100ms"}, {"INGEST_READY_PROBE_TIMEOUT", "500ms"}};
}

const std::string readiness_request = "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// librdkafka 2.0.2's idempotent producer treats OUT_OF_ORDER_SEQUENCE_NUMBER on a Produce as a
// sequence desynchronisation it can't recover from: a fatal error (measured here).
TEST(ingest_producer_fault, fatal_idempotence_error_fails_readiness_and_exits_non_zero) {
  const auto topic = fresh_topic("ingest_fatal");
  auto environment = quick_probe();
  environment["INGEST_SHUTDOWN_GRACE"] = "3s";
  running_ingest ingest(topic, environment);
  const auto url = ingest.url();
  ASSERT_TRUE(wait_until([&] { return readiness(url) == 200; }, 30s));
  auto traffic = example_traffic(url, running_ingest::secret, 12, 0);
  ASSERT_EQ(send_one(url, traffic.requests[0]).status, 202u);  // the producer id is known

  // A keep-alive connection that will ask /readyz again after the error, and a request whose body
  // never ends, in flight, which holds the exit for INGEST_SHUTDOWN_GRACE meanwhile.
  raw_connection probe(ingest.port());
  ASSERT_TRUE(probe.send(readiness_request));
  ASSERT_EQ(probe.read_status(10s), 200u);
  raw_connection stalled(ingest.port());
  ASSERT_TRUE(stalled.send("POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: "
                           "application/json\r\nContent-Length: 100\r\n\r\n{"));

  // The mock cluster fails the next Produce request it receives, which is not always the one
  // carrying the very next delivery (measured: now and then one more goes through first). Pushed
  // once, and deliveries sent until the error has been met, so that none is left for later tests.
  broker_control().push_errors(broker_control::all, "Produce", {out_of_order_sequence_number});
  replay::send_result failed;
  for (std::size_t i = 1; i < traffic.requests.size(); ++i) {
    failed = send_one(url, traffic.requests[i]);
    if (failed.status != 202u) break;
  }
  // Failed by the producer's state, not the message: another replica can take the retry.
  EXPECT_EQ(failed.status, 503u) << failed.body;
  EXPECT_FALSE(failed.retry_after.empty());

  ASSERT_TRUE(ingest.process().wait_for_output("fatal producer error: stopping", 20s))
      << ingest.process().stderr_text();
  ASSERT_TRUE(probe.send(readiness_request));
  EXPECT_EQ(probe.read_status(10s), 503u) << probe.received();

  const auto status = ingest.process().wait_for_exit(30s);
  ASSERT_TRUE(status) << "ingest still runs after the fatal error:\n" << ingest.process().stderr_text();
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->code, 1) << ingest.process().stderr_text();
}

TEST(ingest_producer_fault, permanent_produce_error_is_500_without_retry_after) {
  const auto topic = fresh_topic("ingest_permanent");
  running_ingest ingest(topic, quick_probe());
  const auto url = ingest.url();
  ASSERT_TRUE(wait_until([&] { return readiness(url) == 200; }, 30s));
  auto traffic = example_traffic(url, running_ingest::secret, 12, 0);
  ASSERT_EQ(send_one(url, traffic.requests[0]).status, 202u);

  // Pushed once and met by one of the next deliveries (see the test above).
  broker_control().push_errors(broker_control::all, "Produce", {topic_authorization_failed});
  replay::send_result refused;
  for (std::size_t i = 1; i + 1 < traffic.requests.size(); ++i) {
    refused = send_one(url, traffic.requests[i]);
    if (refused.status != 202u) break;
  }
  EXPECT_EQ(refused.status, 500u) << refused.body;
  EXPECT_EQ(refused.body, R"({"error":"event store refused the event"})");
  EXPECT_TRUE(refused.retry_after.empty()) << refused.retry_after;
  // Not fatal: ingest stays ready and deliveries go through again. librdkafka remembers the
  // topic's authorization error until its next metadata refresh, and refuses at once meanwhile
  // (500 too), so "again" is "within a refresh", not "the very next request".
  EXPECT_EQ(readiness(url), 200u);
  unsigned last_status = 0;
  EXPECT_TRUE(wait_until(
      [&] { return (last_status = send_one(url, traffic.requests.back()).status) == 202u; }, 30s))
      << "last answer " << last_status << "\n" << ingest.process().stderr_text();
  EXPECT_TRUE(ingest.process().is_running());
}

}  // namespace
}  // namespace tributary::testing
