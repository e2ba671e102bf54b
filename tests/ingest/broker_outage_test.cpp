// With every broker down no request gets a 2xx, each gets 503 within the delivery timeout and
// before GitHub's 10 s; once the brokers return, requests succeed without restarting ingest.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/harness/brokers_down.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/topic_reader.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>

namespace tributary::testing {
namespace {
namespace http = boost::beast::http;

TEST(ingest_broker_outage, answers_503_while_brokers_are_down_and_recovers_without_restart) {
  const auto topic = fresh_topic("ingest_outage");
  running_ingest ingest(topic);
  const auto url = ingest.url();
  ASSERT_TRUE(wait_until([&] { return readiness(url) == 200; }, std::chrono::seconds(30)));

  std::vector<replay::send_result> during;
  const auto during_traffic = example_traffic(url, running_ingest::secret, 12);
  {
    brokers_down outage;
    EXPECT_TRUE(wait_until([&] { return readiness(url) == 503; }, std::chrono::seconds(15)))
        << "/readyz did not follow the broker going away";
    replay::client_options options;
    options.concurrency = 12;  // all at once, so the outage stays short for the other tests
    during = replay::send_requests(url, during_traffic.requests, options);
  }
  for (const auto& result : during) {
    EXPECT_EQ(result.status, 503u) << result.error << result.body;
    EXPECT_FALSE(result.retry_after.empty());
    // GitHub gives up after 10 s: the 503 must come before (the delivery timeout is 7 s).
    EXPECT_LT(result.latency, std::chrono::seconds(10));
  }

  EXPECT_TRUE(wait_until([&] { return readiness(url) == 200; }, std::chrono::seconds(30)))
      << "/readyz did not follow the broker coming back";
  const auto after = example_traffic(url, running_ingest::secret, 20);
  replay::client_options options;
  const auto results = replay::send_requests(url, after.requests, options);
  for (const auto& result : results) EXPECT_EQ(result.status, 202u) << result.error << result.body;
  EXPECT_TRUE(ingest.process().is_running());

  // What was answered 202 is on the topic; what was answered 503 may or may not be (GitHub
  // redelivers it, and the ledger removes a duplicate), so it is not counted.
  const auto messages = read_topic(topic, after.requests.size());
  std::set<std::string> published;
  for (const auto& message : messages) published.insert(message.headers.find("github-delivery")->second);
  for (const auto& delivery : after.deliveries) EXPECT_TRUE(published.contains(delivery.id)) << delivery.id;
}

}  // namespace
}  // namespace tributary::testing
