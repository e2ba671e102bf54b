#include "tests/workers/worker_stream.hpp"

#include "core/envelope.hpp"
#include "core/kafka_producer.hpp"
#include "tests/harness/services.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/applier_fixture.hpp"

#include <rapidjson/document.h>

#include <future>
#include <memory>
#include <mutex>
#include <regex>

namespace tributary::testing {

using namespace std::chrono_literals;

std::vector<delivery> the_stream() {
  auto examples = example_deliveries();
  const auto lifecycle = build_lifecycle();
  std::vector<delivery> stream;
  std::size_t next_example = 0;
  for (std::size_t i = 0; i < lifecycle.size(); ++i) {
    stream.push_back(lifecycle[i]);
    for (int k = 0; k < 16 && next_example < examples.size(); ++k) stream.push_back(examples[next_example++]);
  }
  while (next_example < examples.size()) stream.push_back(examples[next_example++]);
  for (const auto& item : lifecycle) stream.push_back(item);
  return stream;
}

namespace {

constexpr const char* malformed_body = "{\"action\":\"opened\",";

}  // namespace

void publish(const std::string& topic, const std::vector<delivery>& items, int malformed_after) {
  core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
  std::vector<std::promise<bool>> done(items.size() + 1);
  std::size_t index = 0;
  const auto send = [&](const std::string& key, const std::string& value,
                        std::vector<std::pair<std::string_view, std::string_view>> headers) {
    auto& promise = done[index++];
    producer.produce({topic, key, value, std::move(headers)},
                     [&promise](const core::delivery_report& report) { promise.set_value(report.ok()); });
  };
  namespace envelope = core::envelope;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (static_cast<int>(i) == malformed_after)
      send("acme/widgets", malformed_body, {{envelope::header_event, "issues"},
                                            {envelope::header_delivery, "malformed-1"}});
    const auto& item = items[i];
    rapidjson::Document payload;
    payload.Parse(item.payload.c_str());
    send(envelope::message_key(payload, item.delivery_id), item.payload,
         {{envelope::header_event, item.event},
          {envelope::header_delivery, item.delivery_id},
          {envelope::header_received_at, item.received_at},
          {envelope::header_source, item.source},
          {envelope::header_content_type, envelope::content_type_json}});
  }
  producer.flush(30s);
  for (std::size_t i = 0; i < index; ++i)
    if (!done[i].get_future().get())
      throw std::runtime_error("publish: message " + std::to_string(i) + " was not delivered");
}

child_options worker_options(const std::string& url, const std::string& topic,
                             const std::string& group) {
  return {{required_environment("TRIBUTARY_BUILD_DIR") + "/workers/tributary-worker"},
          {{"KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers()},
           {"KAFKA_TOPIC", topic},
           {"DATABASE_URL", url},
           {"WORKER_GROUP_ID", group},
           {"METRICS_LISTEN", "127.0.0.1:0"},
           {"WORKER_BATCH_SIZE", "7"},
           {"WORKER_BATCH_WAIT", "100ms"},
           {"WORKER_RETRY_MAX_BACKOFF", "500ms"},
           {"RAW_RETENTION_MONTHS", "0"},
           {"KAFKA_SESSION_TIMEOUT_MS", "6000"},
           {"KAFKA_HEARTBEAT_INTERVAL_MS", "1000"},
           {"LOG_LEVEL", "info"}}};
}

long long settled(const std::string& url) {
  return count_of(url, "SELECT (SELECT count(*) FROM github.deliveries) + "
                       "(SELECT count(*) FROM github.dead_letters)");
}

std::uint16_t metrics_port_of(child_process& worker) {
  const auto line = worker.wait_for_output("\"started\"", 60s);
  std::smatch match;
  if (!line || !std::regex_search(*line, match, std::regex("\"metrics_port\":([0-9]+)")))
    throw std::runtime_error("the worker did not log its metrics port: " + worker.stderr_text());
  return static_cast<std::uint16_t>(std::stoi(match[1].str()));
}

const std::map<std::string, std::vector<std::string>>& stream_snapshot() {
  static std::once_flag once;
  static std::unique_ptr<std::map<std::string, std::vector<std::string>>> snapshot;
  std::call_once(once, [] {
    applier_on_fresh_database database("workers_stream_expected");
    auto items = the_stream();
    std::vector<workers::incoming_message> messages;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i == 5) {
        auto malformed = to_message(items[i], "t", 0, static_cast<std::int64_t>(messages.size()));
        malformed.value = malformed_body;
        malformed.headers = {{std::string(core::envelope::header_event), "issues"},
                             {std::string(core::envelope::header_delivery), "malformed-1"}};
        messages.push_back(std::move(malformed));
      }
      messages.push_back(to_message(items[i], "t", 0, static_cast<std::int64_t>(messages.size())));
    }
    for (std::size_t start = 0; start < messages.size(); start += 7)
      database.apply({messages.begin() + static_cast<std::ptrdiff_t>(start),
                      messages.begin() + static_cast<std::ptrdiff_t>(
                                             std::min(messages.size(), start + 7))});
    if (database.count("SELECT count(*) FROM github.deliveries") != stream_deliveries)
      throw std::runtime_error("the stream applied in process is incomplete");
    snapshot = std::make_unique<std::map<std::string, std::vector<std::string>>>(
        analytics_snapshot(database.url));
  });
  return *snapshot;
}

void expect_complete(const std::string& url) {
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.deliveries"), stream_deliveries);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.webhook_events"), stream_deliveries);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.dead_letters WHERE reason LIKE "
                          "'the body is not JSON%'"),
            1);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.dead_letters"), 1);
}

}  // namespace tributary::testing
