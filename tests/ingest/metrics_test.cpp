// /metrics after a known set of requests: requests by event and status class, signature failures,
// body bytes, one publish-latency observation per delivery report, nothing left in flight, the
// producer queue gauge present.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;

std::map<std::string, std::string> requests_labels(const std::string& event,
                                                   const std::string& status_class) {
  return {{"event", event}, {"status_class", status_class}};
}

TEST(ingest_metrics, counters_follow_a_known_set_of_requests) {
  running_ingest ingest(fresh_topic("ingest_metrics"));
  const auto url = ingest.url();

  // Accepted: a few examples (their events vary), some form-encoded.
  const auto accepted = example_traffic(url, running_ingest::secret, 7, 0.3);
  // Refused after the body was read: wrong secret (2), no signature (1), an unknown content type (1).
  auto refused = example_traffic(url, running_ingest::secret, 4, 0).requests;
  for (int i = 0; i < 2; ++i)
    refused[i].set("X-Hub-Signature-256", replay::sha256_signature("not the secret", refused[i].body()));
  refused[2].erase("X-Hub-Signature-256");
  refused[3].set(http::field::content_type, "text/plain");
  // Refused before the body was read: another path. Its body is not counted.
  auto elsewhere = example_traffic(url, running_ingest::secret, 1, 0).requests.at(0);
  elsewhere.target("/elsewhere");
  // Health and readiness probes stay out of the request counts.
  replay::webhook_request health{http::verb::get, "/healthz", 11};
  health.set(http::field::host, "127.0.0.1");

  std::vector<replay::webhook_request> requests = accepted.requests;
  requests.insert(requests.end(), refused.begin(), refused.end());
  requests.push_back(elsewhere);
  requests.push_back(health);
  replay::client_options options;
  options.concurrency = 3;
  const auto results = replay::send_requests(url, requests, options);
  std::map<std::string, double> accepted_by_event;
  double body_bytes = 0;
  for (std::size_t i = 0; i < accepted.requests.size(); ++i) {
    ASSERT_EQ(results[i].status, 202u) << results[i].error << results[i].body;
    ++accepted_by_event[accepted.deliveries[i].event];
    body_bytes += double(accepted.requests[i].body().size());
  }
  const std::vector<unsigned> refused_status{401, 401, 401, 415, 404, 200};
  for (std::size_t i = 0; i < refused_status.size(); ++i)
    ASSERT_EQ(results[accepted.requests.size() + i].status, refused_status[i]) << i;
  for (const auto& request : refused) body_bytes += double(request.body().size());

  // An answer is counted before it is written; the in-flight gauge drops once it has been.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto scrape = metrics_scrape::fetch(ingest.metrics_port());
        return scrape.find("tributary_ingest_in_flight_requests") == 0.0 &&
               scrape.find("tributary_ingest_open_connections") == 0.0;
      },
      20s, 100ms))
      << "requests left in flight or connections left open";
  const auto metrics = metrics_scrape::fetch(ingest.metrics_port());

  double accepted_total = 0;
  for (const auto& [event, count] : accepted_by_event) {
    EXPECT_EQ(metrics.find("tributary_ingest_requests_total", requests_labels(event, "2xx")).value_or(0), count) << event;
    accepted_total += count;
  }
  // Every refusal above carries no verified event: one low-cardinality label value.
  EXPECT_EQ(metrics.find("tributary_ingest_requests_total", requests_labels("none", "4xx")).value_or(0), 5.0);
  double counted = 0;
  for (const auto& sample : metrics.all("tributary_ingest_requests_total")) counted += sample.value;
  EXPECT_EQ(counted, accepted_total + 5.0) << "health probe or a request counted where it should not be";

  EXPECT_EQ(metrics.find("tributary_ingest_signature_failures_total", {{"reason", "mismatch"}}), 2.0);
  EXPECT_EQ(metrics.find("tributary_ingest_signature_failures_total", {{"reason", "missing"}}), 1.0);
  // Every body was released: nothing is held once the requests are answered.
  EXPECT_EQ(metrics.find("tributary_ingest_body_bytes_held"), 0.0);
  EXPECT_EQ(metrics.find("tributary_ingest_budget_refusals_total"), 0.0);
  EXPECT_EQ(metrics.find("tributary_ingest_accept_failures_total"), 0.0);
  EXPECT_EQ(metrics.find("tributary_ingest_body_bytes_total"), body_bytes);
  // One observation per delivery report: the accepted requests, and only they reached the broker.
  EXPECT_EQ(metrics.find("tributary_ingest_publish_latency_seconds_count"), accepted_total);
  EXPECT_GT(metrics.find("tributary_ingest_publish_latency_seconds_sum").value_or(0), 0.0);
  EXPECT_EQ(metrics.find("tributary_ingest_publish_latency_seconds_bucket", {{"le", "+Inf"}}),
            accepted_total);
  EXPECT_EQ(metrics.find("tributary_ingest_in_flight_requests"), 0.0);
  EXPECT_TRUE(metrics.find("tributary_ingest_producer_queue_messages").has_value());
  EXPECT_TRUE(metrics.find("tributary_ingest_broker_ready").has_value());
  EXPECT_EQ(metrics.find("tributary_ingest_refused_connections_total"), 0.0);
}

}  // namespace
}  // namespace tributary::testing
