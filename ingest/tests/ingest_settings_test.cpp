#include "ingest/ingest_settings.hpp"

#include "core/kafka_producer.hpp"

#include <gtest/gtest.h>

namespace tributary::ingest {
namespace {

std::map<std::string, std::string> minimal_environment() {
  return {{"KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"}, {"GITHUB_WEBHOOK_SECRET", "s1"}};
}

ingest_config load(const std::map<std::string, std::string>& environment) {
  const auto specs = ingest_setting_specs();
  return make_ingest_config(core::settings::load(specs, {}, environment));
}

TEST(ingest_settings, defaults_follow_the_contract) {
  const auto config = load(minimal_environment());
  EXPECT_EQ(config.listen.port, 8443);
  EXPECT_EQ(config.path, "/webhooks/github");
  EXPECT_EQ(config.topic, "github.webhooks");
  EXPECT_EQ(config.max_body_bytes, 26214400u);
  EXPECT_EQ(config.metrics_listen, "0.0.0.0:9464");
  EXPECT_FALSE(config.tls);
  EXPECT_GE(config.threads, 1u);
  EXPECT_EQ(config.producer_properties.at("bootstrap.servers"), "127.0.0.1:9092");
  // The delivery timeout must end before GitHub's 10 s.
  EXPECT_LT(std::stoi(config.producer_properties.at("message.timeout.ms")), 10000);
  // Every answer waits for its own message: no linger added to it (BENCHMARKS.md).
  EXPECT_EQ(config.producer_properties.at("linger.ms"), "0");
  // GitHub's largest payload fits core's producer default, which ingest keeps.
  EXPECT_FALSE(config.producer_properties.contains("message.max.bytes"));
  EXPECT_GE(std::stoll(core::producer_defaults().at("message.max.bytes")), 26214400 + 65536);
  EXPECT_EQ(config.memory_budget_bytes, 201326592u);
  EXPECT_EQ(config.large_body_bytes, 1048576u);
  EXPECT_FALSE(config.allow_plaintext);
  EXPECT_EQ(config.drain_period, std::chrono::seconds(5));
}

TEST(ingest_settings, the_defaults_fit_a_512_mib_pod) {
  // ingest/README.md's arithmetic: bodies + librdkafka's queue + as much again for the requests
  // being built from it + the measured baseline stay under 512 MiB.
  const auto config = load(minimal_environment());
  constexpr std::size_t MiB = 1024 * 1024;
  const auto queue = std::stoull(config.producer_properties.at("queue.buffering.max.kbytes")) * 1024;
  const std::size_t baseline = 64 * MiB;
  EXPECT_LE(config.memory_budget_bytes + 2 * queue + baseline, 448 * MiB);
  // A body of the limit fits the large bodies' share.
  EXPECT_GE(config.memory_budget_bytes / 4 * 3, config.max_body_bytes);
}

TEST(ingest_settings, a_budget_too_small_for_the_body_limit_is_an_error) {
  auto environment = minimal_environment();
  environment["INGEST_MEMORY_BUDGET_BYTES"] = "30000000";
  EXPECT_THROW(load(environment), core::settings_error);
  environment["INGEST_MAX_BODY_BYTES"] = "4096";
  EXPECT_NO_THROW(load(environment));
}

TEST(ingest_settings, plaintext_and_drain_settings) {
  auto environment = minimal_environment();
  environment["INGEST_ALLOW_PLAINTEXT"] = "true";
  environment["INGEST_DRAIN_PERIOD"] = "0s";
  const auto config = load(environment);
  EXPECT_TRUE(config.allow_plaintext);
  EXPECT_EQ(config.drain_period.count(), 0);
}

TEST(ingest_settings, kafka_pass_through_overrides_ingest_defaults) {
  auto environment = minimal_environment();
  environment["KAFKA_MESSAGE_TIMEOUT_MS"] = "3000";
  EXPECT_EQ(load(environment).producer_properties.at("message.timeout.ms"), "3000");
}

TEST(ingest_settings, secrets_are_a_comma_separated_list) {
  auto environment = minimal_environment();
  environment["GITHUB_WEBHOOK_SECRET"] = " old , new,,";
  EXPECT_EQ(load(environment).secrets, (std::vector<std::string>{"old", "new"}));
  environment["GITHUB_WEBHOOK_SECRET"] = " , ";
  EXPECT_THROW(load(environment), core::settings_error);
}

TEST(ingest_settings, missing_secret_or_broker_is_an_error) {
  auto environment = minimal_environment();
  environment.erase("GITHUB_WEBHOOK_SECRET");
  EXPECT_THROW(load(environment), core::settings_error);
  environment = minimal_environment();
  environment.erase("KAFKA_BOOTSTRAP_SERVERS");
  EXPECT_THROW(load(environment), core::settings_error);
}

TEST(ingest_settings, tls_needs_certificate_and_key_together) {
  auto environment = minimal_environment();
  environment["INGEST_TLS_CERT"] = "/tmp/cert.pem";
  EXPECT_THROW(load(environment), core::settings_error);
  environment["INGEST_TLS_KEY"] = "/tmp/key.pem";
  const auto config = load(environment);
  ASSERT_TRUE(config.tls);
  EXPECT_EQ(config.tls->private_key, "/tmp/key.pem");
}

TEST(ingest_settings, invalid_numbers_are_errors) {
  auto environment = minimal_environment();
  environment["INGEST_MAX_BODY_BYTES"] = "0";
  EXPECT_THROW(load(environment), core::settings_error);
  environment = minimal_environment();
  environment["INGEST_MAX_CONNECTIONS"] = "many";
  EXPECT_THROW(load(environment), core::settings_error);
  environment = minimal_environment();
  environment["INGEST_PATH"] = "webhooks";
  EXPECT_THROW(load(environment), core::settings_error);
}

}  // namespace
}  // namespace tributary::ingest
