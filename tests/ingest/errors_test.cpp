// Each error status of the contract, provoked and asserted; nothing refused reaches the topic.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/ingest/raw_connection.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/topic_reader.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <boost/beast/http.hpp>

namespace tributary::testing {
namespace {
namespace http = boost::beast::http;

/// One signed example request (a push, form-encoded or not).
replay::webhook_request signed_request(const replay::target_url& url, bool form = false) {
  return example_traffic(url, running_ingest::secret, 1, form ? 1.0 : 0.0).requests.at(0);
}

void re_sign(replay::webhook_request& request, const std::string& secret = running_ingest::secret) {
  request.set("X-Hub-Signature-256", replay::sha256_signature(secret, request.body()));
  request.prepare_payload();
}

/// The answer is the status and a JSON {"error": ...} that tells nothing secret.
void expect_error(const replay::send_result& result, unsigned status) {
  EXPECT_EQ(result.status, status) << result.error << result.body;
  rapidjson::Document body;
  body.Parse(result.body.c_str());
  ASSERT_FALSE(body.HasParseError()) << result.body;
  ASSERT_TRUE(body.IsObject() && body.HasMember("error") && body["error"].IsString()) << result.body;
  EXPECT_EQ(result.body.find("Secret"), std::string::npos);
  EXPECT_EQ(result.body.find("old-secret"), std::string::npos);
  EXPECT_EQ(result.body.find("sha256="), std::string::npos);
}

class ingest_errors : public ::testing::Test {
 protected:
  std::string topic_ = fresh_topic("ingest_errors");
  running_ingest ingest_{topic_};
  replay::target_url url_ = ingest_.url();
};

TEST_F(ingest_errors, wrong_secret_is_401) {
  auto request = signed_request(url_);
  re_sign(request, "It's a Secret to Everybody!");
  expect_error(send_one(url_, request), 401);
}

TEST_F(ingest_errors, missing_signature_is_401) {
  auto request = signed_request(url_);
  request.erase("X-Hub-Signature-256");  // the SHA-1 X-Hub-Signature alone is not enough
  ASSERT_TRUE(request.find("X-Hub-Signature") != request.end());
  expect_error(send_one(url_, request), 401);
}

TEST_F(ingest_errors, signature_over_a_reserialised_body_is_401) {
  // Signed over the compact JSON as GitHub sent it, then pretty-printed by something in between.
  auto request = signed_request(url_);
  rapidjson::Document document;
  document.Parse(request.body().c_str());
  rapidjson::StringBuffer pretty;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(pretty);
  document.Accept(writer);
  ASSERT_NE(request.body(), pretty.GetString());
  request.body() = pretty.GetString();
  request.prepare_payload();
  expect_error(send_one(url_, request), 401);
}

TEST_F(ingest_errors, signature_of_a_form_over_its_decoded_payload_is_401) {
  auto request = signed_request(url_, true);
  const auto payload = example_traffic(url_, running_ingest::secret, 1, 0).deliveries[0].payload;
  request.set("X-Hub-Signature-256", replay::sha256_signature(running_ingest::secret, payload));
  expect_error(send_one(url_, request), 401);
}

TEST_F(ingest_errors, rotated_secrets_both_pass) {
  auto request = signed_request(url_);
  re_sign(request, "old-secret");
  EXPECT_EQ(send_one(url_, request).status, 202u);
}

TEST_F(ingest_errors, missing_github_headers_are_400) {
  auto request = signed_request(url_);
  request.erase("X-GitHub-Event");
  expect_error(send_one(url_, request), 400);
  request = signed_request(url_);
  request.erase("X-GitHub-Delivery");
  expect_error(send_one(url_, request), 400);
}

TEST_F(ingest_errors, signed_body_that_is_not_json_is_400) {
  auto request = signed_request(url_);
  request.body() = "{\"truncated\": ";
  re_sign(request);
  expect_error(send_one(url_, request), 400);
  request = signed_request(url_, true);
  request.body() = "data=%7B%7D";  // a form without the payload field
  re_sign(request);
  expect_error(send_one(url_, request), 400);
}

TEST_F(ingest_errors, other_content_types_are_415) {
  auto request = signed_request(url_);
  request.set(http::field::content_type, "text/plain");
  expect_error(send_one(url_, request), 415);
}

TEST_F(ingest_errors, wrong_method_is_405_and_other_paths_404) {
  auto request = signed_request(url_);
  request.method(http::verb::put);
  expect_error(send_one(url_, request), 405);
  request = signed_request(url_);
  request.target("/webhooks/gitlab");
  expect_error(send_one(url_, request), 404);
  replay::webhook_request get{http::verb::get, "/webhooks/github", 11};
  get.set(http::field::host, "127.0.0.1");
  expect_error(send_one(url_, get), 405);
}

TEST_F(ingest_errors, body_one_byte_over_the_default_limit_is_413) {
  auto request = signed_request(url_);
  request.body() = std::string(26214400 + 1, ' ');  // whitespace: JSON-ish padding, still signed
  re_sign(request);
  const auto result = send_one(url_, request);
  expect_error(result, 413);
}

TEST_F(ingest_errors, health_and_readiness_answer_200) {
  replay::webhook_request get{http::verb::get, "/healthz", 11};
  get.set(http::field::host, "127.0.0.1");
  EXPECT_EQ(send_one(url_, get).status, 200u);
  get.target("/readyz");
  EXPECT_EQ(send_one(url_, get).status, 200u);
}

TEST_F(ingest_errors, nothing_refused_reaches_the_topic) {
  auto bad = signed_request(url_);
  re_sign(bad, "wrong");
  ASSERT_EQ(send_one(url_, bad).status, 401u);
  auto good = signed_request(url_);
  ASSERT_EQ(send_one(url_, good).status, 202u);
  const auto messages = read_topic(topic_, 1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].headers.find("github-delivery")->second, good["X-GitHub-Delivery"]);
}

TEST_F(ingest_errors, bad_signatures_are_counted_and_logged_at_a_bounded_rate) {
  // 60 wrong signatures as fast as they go, each with a client-chosen delivery id.
  std::vector<replay::webhook_request> requests;
  for (int i = 0; i < 60; ++i) {
    auto request = signed_request(url_);
    request.set("X-GitHub-Delivery", "client-chosen-" + std::to_string(i));
    re_sign(request, "wrong");
    requests.push_back(std::move(request));
  }
  const auto started = std::chrono::steady_clock::now();
  replay::client_options options;
  options.concurrency = 4;
  for (const auto& result : replay::send_requests(url_, requests, options)) EXPECT_EQ(result.status, 401u);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::steady_clock::now() - started).count();
  const auto log = ingest_.process().stdout_text() + ingest_.process().stderr_text();
  std::size_t lines = 0;
  for (auto at = log.find("signature refused"); at != std::string::npos;
       at = log.find("signature refused", at + 1))
    ++lines;
  // At most one line a second (plus one for the second that was under way).
  EXPECT_GE(lines, 1u);
  EXPECT_LE(lines, static_cast<std::size_t>(seconds) + 2) << log;
  EXPECT_EQ(log.find("client-chosen"), std::string::npos) << "a client's header value was logged";
  EXPECT_NE(log.find("suppressed_since_last"), std::string::npos);
}

TEST(ingest_publish_errors, message_over_the_producers_size_limit_is_500_not_503) {
  // librdkafka refuses it at once (MSG_SIZE_TOO_LARGE): no retry can ever fix it.
  const auto topic = fresh_topic("ingest_too_large");
  running_ingest ingest(topic, {{"KAFKA_MESSAGE_MAX_BYTES", "10000"}});
  const auto url = ingest.url();
  auto request = signed_request(url);
  request.body() = "{\"padding\":\"" + std::string(20000, 'x') + "\"}";
  re_sign(request);
  const auto result = send_one(url, request);
  expect_error(result, 500);
  EXPECT_EQ(result.body, R"({"error":"event store refused the event"})");
  EXPECT_TRUE(result.retry_after.empty());
  // Small ones still pass.
  EXPECT_EQ(send_one(url, signed_request(url)).status, 202u);
}

TEST(ingest_memory_budget_limits, declared_and_chunked_bodies_over_the_budget_are_503) {
  // A budget of 8000 bytes, 4000 of them held by a request whose body never comes.
  const auto topic = fresh_topic("ingest_budget");
  running_ingest ingest(topic, {{"INGEST_MAX_BODY_BYTES", "6000"},
                                {"INGEST_MEMORY_BUDGET_BYTES", "8000"},
                                {"INGEST_RETRY_AFTER", "3s"}});
  const auto url = ingest.url();
  raw_connection holder(ingest.port());
  ASSERT_TRUE(holder.send("POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          "application/json\r\nContent-Length: 4000\r\n\r\n{"));
  ASSERT_TRUE(wait_until(
      [&] {
        return metrics_scrape::fetch(ingest.metrics_port()).find("tributary_ingest_body_bytes_held") ==
               4000.0;
      },
      std::chrono::seconds(10)));

  auto request = signed_request(url);
  request.body() = "{\"padding\":\"" + std::string(5000, 'x') + "\"}";
  re_sign(request);
  // Declared: refused before the body is read.
  const auto declared = send_one(url, request);
  expect_error(declared, 503);
  EXPECT_EQ(declared.retry_after, "3");
  // Chunked: refused once it outgrows what is left.
  auto chunked = request;
  chunked.erase(http::field::content_length);
  chunked.chunked(true);
  const auto grown = send_one(url, chunked);
  expect_error(grown, 503);
  EXPECT_EQ(grown.retry_after, "3");
  // A body that fits what is left passes, chunked or not, and gives its bytes back.
  auto small = signed_request(url);
  small.body() = "{\"padding\":\"" + std::string(1000, 'x') + "\"}";
  re_sign(small);
  EXPECT_EQ(send_one(url, small).status, 202u);
  small.erase(http::field::content_length);
  small.chunked(true);
  EXPECT_EQ(send_one(url, small).status, 202u);
  // Once the holder leaves, the large one fits.
  holder.close();
  ASSERT_TRUE(wait_until(
      [&] {
        return metrics_scrape::fetch(ingest.metrics_port()).find("tributary_ingest_body_bytes_held") ==
               0.0;
      },
      std::chrono::seconds(10)));
  EXPECT_EQ(send_one(url, request).status, 202u);
  EXPECT_EQ(send_one(url, chunked).status, 202u);
  EXPECT_EQ(metrics_scrape::fetch(ingest.metrics_port()).find("tributary_ingest_budget_refusals_total"),
            2.0);
}

TEST(ingest_body_limit, a_body_at_the_limit_passes_and_one_byte_more_is_413) {
  const auto topic = fresh_topic("ingest_limit");
  running_ingest ingest(topic, {{"INGEST_MAX_BODY_BYTES", "4096"}});
  const auto url = ingest.url();
  auto request = signed_request(url);
  request.body() = "{\"padding\":\"" + std::string(4096 - 14, 'x') + "\"}";
  ASSERT_EQ(request.body().size(), 4096u);
  re_sign(request);
  EXPECT_EQ(send_one(url, request).status, 202u);

  request.body() = "{\"padding\":\"" + std::string(4096 - 13, 'x') + "\"}";
  re_sign(request);
  expect_error(send_one(url, request), 413);

  // Chunked: no Content-Length to check first, so the limit stops the read itself.
  request.erase(http::field::content_length);
  request.chunked(true);
  expect_error(send_one(url, request), 413);
}

}  // namespace
}  // namespace tributary::testing
