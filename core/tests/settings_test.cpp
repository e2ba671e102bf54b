#include "core/settings.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace tributary::core {
namespace {

const std::vector<setting_spec> specs = {
    common_settings::kafka_bootstrap_servers(),
    common_settings::kafka_topic(),
    {"GITHUB_WEBHOOK_SECRET", "", "Webhook secrets.", true, true},
    {"INGEST_MAX_BODY_BYTES", "26214400", "Body limit."},
    {"RECONCILE_INTERVAL", "1h", "Time between runs."},
};
const std::vector<flag_spec> flags = {{"--once", "One pass."}, {"--count", "How many.", true}};

std::filesystem::path write_file(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << content;
  return path;
}

TEST(settings, reads_the_environment_and_applies_defaults) {
  const auto loaded = settings::load(specs, {}, {{"KAFKA_BOOTSTRAP_SERVERS", "b:9092"},
                                                 {"GITHUB_WEBHOOK_SECRET", "s1,s2"}});
  EXPECT_EQ(loaded.get("KAFKA_BOOTSTRAP_SERVERS"), "b:9092");
  EXPECT_EQ(loaded.get("KAFKA_TOPIC"), "github.webhooks");
  EXPECT_EQ(loaded.get_int("INGEST_MAX_BODY_BYTES"), 26214400);
  EXPECT_EQ(loaded.get_duration("RECONCILE_INTERVAL"), std::chrono::hours(1));
}

TEST(settings, names_a_missing_required_setting) {
  try {
    settings::load(specs, {}, {{"GITHUB_WEBHOOK_SECRET", "s"}});
    FAIL() << "expected settings_error";
  } catch (const settings_error& error) {
    EXPECT_NE(std::string(error.what()).find("KAFKA_BOOTSTRAP_SERVERS is required"),
              std::string::npos);
  }
}

TEST(settings, reads_a_secret_from_its_file_without_the_newline) {
  const auto path = write_file("tributary_settings_secret", "from-file\n");
  const auto loaded = settings::load(specs, {}, {{"KAFKA_BOOTSTRAP_SERVERS", "b"},
                                                 {"GITHUB_WEBHOOK_SECRET_FILE", path.string()}});
  EXPECT_EQ(loaded.get("GITHUB_WEBHOOK_SECRET"), "from-file");
}

TEST(settings, config_file_is_overridden_by_the_environment) {
  const auto path = write_file("tributary_settings.conf",
                               "# comment\nKAFKA_BOOTSTRAP_SERVERS = file:1\n"
                               "KAFKA_TOPIC = \"from-file\"\nGITHUB_WEBHOOK_SECRET=x\n"
                               "KAFKA_SASL_MECHANISM = PLAIN\n");
  const auto loaded = settings::load(specs, {"--config", path.string()},
                                     {{"KAFKA_BOOTSTRAP_SERVERS", "env:2"}});
  EXPECT_EQ(loaded.get("KAFKA_BOOTSTRAP_SERVERS"), "env:2");
  EXPECT_EQ(loaded.get("KAFKA_TOPIC"), "from-file");
  EXPECT_EQ(loaded.kafka_properties().at("sasl.mechanism"), "PLAIN");
  EXPECT_EQ(loaded.kafka_properties().at("bootstrap.servers"), "env:2");
}

TEST(settings, passes_kafka_properties_through_but_not_the_topic) {
  const auto loaded = settings::load(specs, {}, {{"KAFKA_BOOTSTRAP_SERVERS", "b"},
                                                 {"GITHUB_WEBHOOK_SECRET", "s"},
                                                 {"KAFKA_SECURITY_PROTOCOL", "SASL_SSL"},
                                                 {"KAFKA_TOPIC", "t"}});
  EXPECT_EQ(loaded.kafka_properties().at("security.protocol"), "SASL_SSL");
  EXPECT_FALSE(loaded.kafka_properties().contains("topic"));
}

// What Kubernetes injects for a Service named kafka must not stop a component (nor reach
// librdkafka, which would refuse the unknown names).
TEST(settings, leaves_out_kafka_variables_that_are_not_librdkafka_properties) {
  const auto loaded = settings::load(specs, {}, {{"KAFKA_BOOTSTRAP_SERVERS", "b"},
                                                 {"GITHUB_WEBHOOK_SECRET", "s"},
                                                 {"KAFKA_PORT", "tcp://10.0.0.1:9092"},
                                                 {"KAFKA_SERVICE_HOST", "10.0.0.1"},
                                                 {"KAFKA_PORT_9092_TCP_ADDR", "10.0.0.1"},
                                                 {"KAFKA_LINGER_MS", "5"},
                                                 {"KAFKA_QUEUE_BUFFERING_MAX_MS", "7"}});
  EXPECT_EQ(loaded.kafka_properties(),
            (std::map<std::string, std::string>{{"bootstrap.servers", "b"},
                                                {"linger.ms", "5"},
                                                {"queue.buffering.max.ms", "7"}}));
  EXPECT_EQ(loaded.ignored_kafka_variables(),
            (std::set<std::string>{"KAFKA_PORT", "KAFKA_PORT_9092_TCP_ADDR", "KAFKA_SERVICE_HOST"}));
}

// A known property with a bad value still passes, so that librdkafka's own error names it.
TEST(settings, passes_known_kafka_properties_whatever_their_value) {
  const auto loaded = settings::load(specs, {}, {{"KAFKA_BOOTSTRAP_SERVERS", "b"},
                                                 {"GITHUB_WEBHOOK_SECRET", "s"},
                                                 {"KAFKA_ACKS", "sometimes"}});
  EXPECT_EQ(loaded.kafka_properties().at("acks"), "sometimes");
  EXPECT_TRUE(loaded.ignored_kafka_variables().empty());
}

TEST(settings, parses_flags_and_rejects_unknown_ones) {
  const std::map<std::string, std::string> env = {{"KAFKA_BOOTSTRAP_SERVERS", "b"},
                                                  {"GITHUB_WEBHOOK_SECRET", "s"}};
  const auto loaded = settings::load(specs, {"--once", "--count", "5"}, env, flags);
  EXPECT_EQ(loaded.flag("--once"), "");
  EXPECT_EQ(loaded.flag("--count"), "5");
  EXPECT_FALSE(loaded.flag("--other"));
  EXPECT_THROW(settings::load(specs, {"--bogus"}, env, flags), settings_error);
}

TEST(settings, refuses_an_invalid_log_level_as_an_invalid_setting) {
  const std::vector<setting_spec> with_level = {common_settings::log_level()};
  EXPECT_EQ(settings::load(with_level, {}, {}).get("LOG_LEVEL"), "info");
  EXPECT_EQ(settings::load(with_level, {}, {{"LOG_LEVEL", "warning"}}).get("LOG_LEVEL"), "warning");
  try {
    settings::load(with_level, {}, {{"LOG_LEVEL", "verbose"}});
    FAIL() << "expected settings_error";
  } catch (const settings_error& error) {
    EXPECT_STREQ(error.what(), "LOG_LEVEL must be debug, info, warning or error, got 'verbose'");
  }
}

TEST(settings, rejects_invalid_numbers_and_durations) {
  const auto loaded = settings::load(specs, {}, {{"KAFKA_BOOTSTRAP_SERVERS", "b"},
                                                 {"GITHUB_WEBHOOK_SECRET", "s"},
                                                 {"INGEST_MAX_BODY_BYTES", "12x"},
                                                 {"RECONCILE_INTERVAL", "soon"}});
  EXPECT_THROW(loaded.get_int("INGEST_MAX_BODY_BYTES"), settings_error);
  EXPECT_THROW(loaded.get_duration("RECONCILE_INTERVAL"), settings_error);
}

TEST(settings, help_lists_every_setting_with_its_default_and_hides_no_value) {
  const auto help = settings::help_text("tributary-test", "Testing.", specs, flags);
  for (const auto& spec : specs) EXPECT_NE(help.find(spec.name), std::string::npos) << spec.name;
  EXPECT_NE(help.find("(default: 26214400)"), std::string::npos);
  EXPECT_NE(help.find("--once"), std::string::npos);
  EXPECT_NE(help.find("KAFKA_<PROPERTY>"), std::string::npos);
}

TEST(parse_listen_address, splits_host_and_port) {
  EXPECT_EQ(parse_listen_address("0.0.0.0:8443").port, 8443);
  EXPECT_EQ(parse_listen_address(":9465").host, "0.0.0.0");
  EXPECT_EQ(parse_listen_address("[::1]:80").host, "::1");
  EXPECT_THROW(parse_listen_address("nope"), settings_error);
  EXPECT_THROW(parse_listen_address("h:99999"), settings_error);
}

}  // namespace
}  // namespace tributary::core
