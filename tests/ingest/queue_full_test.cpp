// A full producer queue is answered 503 with Retry-After at once, and nothing answered 2xx is
// missing from the topic afterwards. The queue holds one message (queue.buffering.max.messages=1)
// and a message lingers 4 s before it is sent, so while a first request's message waits there a
// second can't be enqueued. (Lingering, not a broker outage, keeps the first message in the queue:
// it can't fail early and leave room.)
#include "tests/harness/broker_control.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/topic_reader.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

TEST(ingest_queue_full, full_producer_queue_is_503_with_retry_after_and_loses_no_accepted_delivery) {
  const auto topic = fresh_topic("ingest_queue_full");
  running_ingest ingest(topic, {{"KAFKA_QUEUE_BUFFERING_MAX_MESSAGES", "1"},
                                {"KAFKA_LINGER_MS", "4000"},
                                {"INGEST_READY_PROBE_INTERVAL", "100ms"},
                                {"INGEST_READY_PROBE_TIMEOUT", "500ms"},
                                {"INGEST_RETRY_AFTER", "7s"}});
  const auto url = ingest.url();
  ASSERT_TRUE(wait_until([&] { return readiness(url) == 200; }, 30s));
  const auto traffic = example_traffic(url, running_ingest::secret, 14, 0.25);
  std::set<std::string> accepted;
  // First, one through on its own, so that the topic's metadata is known.
  ASSERT_EQ(send_one(url, traffic.requests[0]).status, 202u);
  accepted.insert(traffic.deliveries[0].id);

  // librdkafka counts a message in the queue until its delivery report has been served, a moment
  // after the answer it caused: start from an empty queue.
  const auto queue_length = [&] {
    return metrics_scrape::fetch(ingest.metrics_port()).find("tributary_ingest_producer_queue_messages");
  };
  ASSERT_TRUE(wait_until([&] { return queue_length() == 0.0; }, 20s, 50ms));

  replay::send_result waiting;
  // This one's message takes the queue's only place and lingers there.
  std::jthread first([&] { waiting = send_one(url, traffic.requests[1]); });
  ASSERT_TRUE(wait_until([&] { return queue_length() == 1.0; }, 20s, 50ms))
      << "the first message never showed in the producer queue gauge";
  const auto refused = send_one(url, traffic.requests[2]);
  first.join();

  EXPECT_EQ(refused.status, 503u) << refused.error << refused.body;
  EXPECT_EQ(refused.retry_after, "7");
  EXPECT_NE(refused.body.find("\"error\""), std::string::npos) << refused.body;
  // The first is answered from its delivery report once it has lingered.
  EXPECT_EQ(waiting.status, 202u) << waiting.error << waiting.body << "\n"
                                  << ingest.process().stderr_text();
  if (waiting.status == 202) accepted.insert(traffic.deliveries[1].id);

  // One at a time (the queue holds one message), each once the last one's report has left the
  // queue, every request is accepted.
  for (std::size_t i = 3; i < traffic.requests.size(); ++i) {
    ASSERT_TRUE(wait_until([&] { return queue_length() == 0.0; }, 20s, 50ms));
    const auto result = send_one(url, traffic.requests[i]);
    EXPECT_EQ(result.status, 202u) << result.error << result.body;
    if (result.status == 202) accepted.insert(traffic.deliveries[i].id);
  }

  const auto messages = read_topic(topic, accepted.size());
  std::map<std::string, int> copies;
  for (const auto& message : messages) ++copies[message.headers.find("github-delivery")->second];
  for (const auto& id : accepted) EXPECT_EQ(copies[id], 1) << "delivery answered 202: " << id;
  // The refused message was never enqueued, so it can't have been written either.
  EXPECT_FALSE(copies.contains(traffic.deliveries[2].id));
}

}  // namespace
}  // namespace tributary::testing
