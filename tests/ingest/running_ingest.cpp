#include "tests/ingest/running_ingest.hpp"

#include "tests/harness/services.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <csignal>

#include <stdexcept>

namespace tributary::testing {
namespace {

/// The end of a log, where a crash or a sanitizer's report is.
std::string last_part(const std::string& text, std::size_t length = 12000) {
  return text.size() <= length ? text : "..." + text.substr(text.size() - length);
}

}  // namespace

running_ingest::running_ingest(const std::string& topic,
                               const std::map<std::string, std::optional<std::string>>& environment) {
  child_options options;
  options.argv = {required_environment("TRIBUTARY_BUILD_DIR") + "/ingest/tributary-ingest"};
  options.environment = {
      {"KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers()},
      {"KAFKA_TOPIC", topic},
      {"GITHUB_WEBHOOK_SECRET", std::string("old-secret,") + secret},
      {"INGEST_LISTEN", "127.0.0.1:0"},
      {"METRICS_LISTEN", "127.0.0.1:0"},
      {"INGEST_TLS_CERT", std::nullopt},
      {"INGEST_TLS_KEY", std::nullopt},
      {"INGEST_MAX_BODY_BYTES", std::nullopt},
      {"INGEST_MEMORY_BUDGET_BYTES", std::nullopt},
      {"INGEST_ALLOW_PLAINTEXT", std::nullopt},
      // Every test ends with a SIGTERM: a short drain keeps them quick (shutdown_test sets its own).
      {"INGEST_DRAIN_PERIOD", "100ms"},
  };
  for (const auto& [name, value] : environment) options.environment[name] = value;
  process_ = std::make_unique<child_process>(options);
  const auto line = process_->wait_for_output("\"msg\":\"listening\"", std::chrono::seconds(30));
  if (!line)
    throw std::runtime_error("tributary-ingest did not start: " + process_->stderr_text());
  rapidjson::Document document;
  document.Parse(line->c_str());
  if (document.HasParseError() || !document.HasMember("port") || !document.HasMember("metrics_port"))
    throw std::runtime_error("unexpected listening line: " + *line);
  port_ = document["port"].GetInt();
  metrics_port_ = document["metrics_port"].GetInt();
}

running_ingest::~running_ingest() {
  if (!process_->is_running()) return;  // a test that stopped it checked the exit itself
  process_->send_signal(SIGTERM);
  const auto status = process_->wait_for_exit(std::chrono::seconds(60));
  if (!status || !status->success())
    ADD_FAILURE() << "tributary-ingest did not exit 0 on SIGTERM"
                  << (status ? "" : " (still running, killed)") << ":\n"
                  << last_part(process_->stderr_text());
}

replay::target_url running_ingest::url(bool tls, const std::string& path) const {
  return {tls, "127.0.0.1", std::to_string(port_), path};
}

}  // namespace tributary::testing
