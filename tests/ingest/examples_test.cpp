// Every example payload of @octokit/webhooks-examples, sent as GitHub sends it, reaches the topic
// exactly once with a byte-identical value, the contract's key and all its headers.
#include "tests/harness/broker_control.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/test_certificate.hpp"
#include "tests/ingest/topic_reader.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

namespace tributary::testing {
namespace {

std::optional<std::string> header(const consumed_message& message, const std::string& name) {
  const auto [first, last] = message.headers.equal_range(name);
  if (first == last) return std::nullopt;
  EXPECT_EQ(std::distance(first, last), 1) << "header " << name << " repeated";
  return first->second;
}

/// Sends every example to `url` and checks what the topic holds afterwards.
void expect_examples_published(const std::string& topic, const replay::target_url& url,
                               const std::string& ca_file = {}) {
  auto traffic = example_traffic(url, running_ingest::secret);
  ASSERT_EQ(traffic.requests.size(), 329u) << "the pinned examples changed";
  std::size_t forms = 0;
  for (const bool form : traffic.form_encoded) forms += form ? 1 : 0;
  EXPECT_GT(forms, 50u);

  replay::client_options options;
  options.concurrency = 4;
  options.ca_file = ca_file;
  const auto results = replay::send_requests(url, traffic.requests, options);
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].status, 202u) << traffic.deliveries[i].event << ": " << results[i].error
                                       << results[i].body;
    EXPECT_EQ(results[i].body, "{\"delivery\":\"" + traffic.deliveries[i].id + "\"}");
  }

  const auto messages = read_topic(topic, traffic.deliveries.size());
  ASSERT_EQ(messages.size(), traffic.deliveries.size()) << "messages on the topic";
  std::map<std::string, const consumed_message*> by_delivery;
  for (const auto& message : messages) {
    const auto id = header(message, "github-delivery");
    ASSERT_TRUE(id);
    EXPECT_TRUE(by_delivery.emplace(*id, &message).second) << "delivery " << *id << " twice";
  }
  const std::regex rfc3339_ms(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  for (std::size_t i = 0; i < traffic.deliveries.size(); ++i) {
    const auto& sent = traffic.deliveries[i];
    const auto found = by_delivery.find(sent.id);
    ASSERT_NE(found, by_delivery.end()) << sent.event << " " << sent.id << " missing";
    const auto& message = *found->second;
    EXPECT_EQ(message.value, sent.payload) << sent.event << (traffic.form_encoded[i] ? " (form)" : "");
    EXPECT_EQ(message.key, expected_key(sent.payload, sent.id)) << sent.event;
    EXPECT_EQ(header(message, "github-event"), sent.event);
    EXPECT_EQ(header(message, "github-hook-id"), "123456789");
    EXPECT_EQ(header(message, "github-hook-installation-target-type"), "repository");
    EXPECT_EQ(header(message, "github-hook-installation-target-id"), "35129377");
    EXPECT_EQ(header(message, "source"), "webhook");
    EXPECT_EQ(header(message, "content-type"), "application/json");
    const auto received = header(message, "received-at");
    ASSERT_TRUE(received);
    EXPECT_TRUE(std::regex_match(*received, rfc3339_ms)) << *received;
    EXPECT_EQ(message.headers.size(), 8u);
  }
}

TEST(ingest_examples, every_example_reaches_the_topic_exactly_once_over_http) {
  const auto topic = fresh_topic("ingest_examples");
  running_ingest ingest(topic);
  expect_examples_published(topic, ingest.url());
}

TEST(ingest_examples, every_example_reaches_the_topic_exactly_once_over_tls) {
  const test_certificate certificate;  // self-signed, for localhost
  const auto& cert = certificate.certificate_file();
  const auto topic = fresh_topic("ingest_tls");
  running_ingest ingest(topic, {{"INGEST_TLS_CERT", cert}, {"INGEST_TLS_KEY", certificate.key_file()}});
  auto url = ingest.url(true);
  url.host = "localhost";  // the name the certificate is for (verified, with SNI)
  expect_examples_published(topic, url, cert);

  // Plain HTTP on the same port is refused (plaintext_test has the rest).
  auto plain = example_traffic(ingest.url(), running_ingest::secret, 1, 0);
  EXPECT_EQ(send_one(ingest.url(), plain.requests[0]).status, 400u);
  // A client that does not trust the certificate gets no answer at all.
  auto untrusted = example_traffic(url, running_ingest::secret, 1, 0);
  EXPECT_EQ(send_one(url, untrusted.requests[0]).status, 0u);
}

}  // namespace
}  // namespace tributary::testing
