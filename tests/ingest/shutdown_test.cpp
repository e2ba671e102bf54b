// SIGTERM under load loses no delivery that was answered 2xx, and ingest exits 0 in bounded time.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/topic_reader.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <iostream>
#include <thread>

namespace tributary::testing {
namespace {

TEST(ingest_shutdown, sigterm_under_load_loses_no_accepted_delivery) {
  const auto topic = fresh_topic("ingest_shutdown");
  running_ingest ingest(topic);
  const auto url = ingest.url();
  const auto traffic = example_traffic(url, running_ingest::secret, 3000, 0.25);

  std::atomic<std::size_t> answered{0};
  std::vector<replay::send_result> results;
  std::thread load([&] {
    replay::client_options options;
    options.concurrency = 16;
    options.on_result = [&](std::size_t, const replay::send_result&) { ++answered; };
    results = replay::send_requests(url, traffic.requests, options);
  });
  ASSERT_TRUE(wait_until([&] { return answered.load() >= 300; }, std::chrono::seconds(60)));
  const auto signalled = std::chrono::steady_clock::now();
  ingest.process().send_signal(SIGTERM);
  const auto status = ingest.process().wait_for_exit(std::chrono::seconds(40));
  const auto exit_time = std::chrono::steady_clock::now() - signalled;
  load.join();
  ASSERT_TRUE(status) << "ingest did not exit after SIGTERM";
  EXPECT_TRUE(status->success()) << ingest.process().stderr_text();
  // Every request read before the signal was answered from its delivery report, not abandoned
  // when the grace period ran out.
  EXPECT_EQ(ingest.process().stderr_text().find("unanswered"), std::string::npos)
      << ingest.process().stderr_text();

  std::set<std::string> accepted;
  std::size_t refused = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].status == 202)
      accepted.insert(traffic.deliveries[i].id);
    else
      ++refused;
  }
  std::cout << "answered 202: " << accepted.size() << ", not: " << refused << ", exit after SIGTERM: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(exit_time).count() << " ms\n";
  EXPECT_GE(accepted.size(), 300u);
  EXPECT_GT(refused, 0u) << "the load ended before the signal: nothing was tested";

  const auto messages = read_topic(topic, accepted.size());
  std::map<std::string, int> copies;
  for (const auto& message : messages) ++copies[message.headers.find("github-delivery")->second];
  std::size_t lost = 0;
  for (const auto& id : accepted) {
    if (!copies.contains(id)) ++lost;
  }
  EXPECT_EQ(lost, 0u) << "of " << accepted.size() << " deliveries answered 202";
  for (const auto& [id, count] : copies) EXPECT_EQ(count, 1) << id;
}

TEST(ingest_shutdown, drain_period_fails_readiness_but_keeps_serving_then_closes_the_port) {
  const auto topic = fresh_topic("ingest_drain");
  running_ingest ingest(topic, {{"INGEST_DRAIN_PERIOD", "3s"}});
  const auto url = ingest.url();
  const replay::target_url metrics_url{false, "127.0.0.1", std::to_string(ingest.metrics_port()),
                                       "/readyz"};
  ASSERT_EQ(readiness(url), 200u);
  // The metrics port's /readyz mirrors the webhook port's (for probes pointed at either).
  EXPECT_EQ(readiness(metrics_url), 200u);
  const auto traffic = example_traffic(url, running_ingest::secret, 2, 0);

  ingest.process().send_signal(SIGTERM);
  ASSERT_TRUE(ingest.process().wait_for_output("stopping: draining", std::chrono::seconds(10)));
  // Load balancers see the pod leave at once...
  EXPECT_EQ(readiness(url), 503u);
  EXPECT_EQ(readiness(metrics_url), 503u);
  // ...while a new connection is still accepted and served.
  const auto during = send_one(url, traffic.requests[0]);
  EXPECT_EQ(during.status, 202u) << during.error << during.body;
  EXPECT_TRUE(ingest.process().is_running()) << "exited before the drain period was over";

  ASSERT_TRUE(ingest.process().wait_for_output("drain period over", std::chrono::seconds(20)));
  // Then the port refuses (or the process is already gone).
  EXPECT_EQ(send_one(url, traffic.requests[1]).status, 0u);
  const auto status = ingest.process().wait_for_exit(std::chrono::seconds(30));
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success()) << ingest.process().stderr_text();

  const auto messages = read_topic(topic, 1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].headers.find("github-delivery")->second, traffic.deliveries[0].id);
}

}  // namespace
}  // namespace tributary::testing
