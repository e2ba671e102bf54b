// tributary-bench-producer-only: what Kafka alone allows ingest. It publishes the example
// deliveries through ingest's own publisher (same key, value and headers) on a core producer with
// ingest's producer settings, keeping a fixed number of messages in flight as wrk keeps requests in
// flight: each delivery report sends the next message. No HTTP, no signature, no parse.
//   tributary-bench-producer-only BOOTSTRAP TOPIC DELIVERIES_FILE IN_FLIGHT SECONDS [name=value...]
// DELIVERIES_FILE: one delivery a line, "event<TAB>json" (make_wrk_script.mjs writes it). Extra
// arguments are librdkafka properties over ingest's defaults. Prints one line, as the wrk script's
// done() does: "result requests=N errors=N seconds=S p50_us=N p99_us=N p999_us=N".
#include "core/kafka_producer.hpp"
#include "ingest/delivery.hpp"
#include "ingest/ingest_settings.hpp"
#include "ingest/publisher.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace tributary;
using clock_type = std::chrono::steady_clock;

std::vector<ingest::delivery> load_deliveries(const std::string& path) {
  std::ifstream in(path);
  std::vector<ingest::delivery> deliveries;
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const auto event = line.substr(0, tab);
    const auto id = "producer-only-" + std::to_string(deliveries.size());
    auto parsed = ingest::parse_delivery({event, id, "", "", "", "application/json"}, line.substr(tab + 1));
    if (auto* message = std::get_if<ingest::delivery>(&parsed)) deliveries.push_back(std::move(*message));
  }
  return deliveries;
}

/// N chains of messages: each report records its latency and sends the chain's next message, on
/// the producer's polling thread (so `latencies_` has one writer).
class closed_loop {
 public:
  closed_loop(ingest::publisher& events, const std::vector<ingest::delivery>& deliveries)
      : events_(events), deliveries_(deliveries) {}

  void start(int chains) {
    for (int i = 0; i < chains; ++i) send();
  }
  void measure_from_now() {
    std::lock_guard lock(mutex_);
    latencies_.clear();
    errors_ = 0;
    measuring_ = true;
  }
  void stop() { stopping_ = true; }
  /// The latencies (µs) and errors since measure_from_now.
  std::pair<std::vector<std::uint32_t>, long> take() {
    std::lock_guard lock(mutex_);
    measuring_ = false;
    return {std::move(latencies_), errors_};
  }

 private:
  void send() {
    if (stopping_) return;
    const auto& message = deliveries_[next_++ % deliveries_.size()];
    const auto sent = clock_type::now();
    try {
      events_.publish(message, std::chrono::system_clock::now(),
                      [this, sent](const core::delivery_report& report) {
                        on_report(report, sent);
                      });
    } catch (const std::exception&) {
      std::lock_guard lock(mutex_);
      ++errors_;
    }
  }
  void on_report(const core::delivery_report& report, clock_type::time_point sent) {
    {
      std::lock_guard lock(mutex_);
      if (measuring_) {
        if (!report.ok()) ++errors_;
        latencies_.push_back(static_cast<std::uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - sent).count()));
      }
    }
    send();
  }

  ingest::publisher& events_;
  const std::vector<ingest::delivery>& deliveries_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  bool measuring_ = false;
  std::vector<std::uint32_t> latencies_;
  long errors_ = 0;
};

std::uint32_t percentile(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: tributary-bench-producer-only BOOTSTRAP TOPIC DELIVERIES_FILE IN_FLIGHT SECONDS [name=value...]\n";
    return 2;
  }
  auto properties = ingest::ingest_producer_defaults();
  properties["bootstrap.servers"] = argv[1];
  for (int i = 6; i < argc; ++i) {
    const std::string property = argv[i];
    const auto equals = property.find('=');
    if (equals == std::string::npos) {
      std::cerr << "not name=value: " << property << '\n';
      return 2;
    }
    properties[property.substr(0, equals)] = property.substr(equals + 1);
  }
  std::string shown;
  for (const auto& [name, value] : core::producer_defaults())
    if (!properties.count(name)) shown += name + "=" + value + " ";
  for (const auto& [name, value] : properties)
    if (name != "bootstrap.servers") shown += name + "=" + value + " ";
  std::cerr << "settings " << shown << '\n';
  const auto deliveries = load_deliveries(argv[3]);
  if (deliveries.empty()) {
    std::cerr << "no deliveries in " << argv[3] << '\n';
    return 2;
  }
  const int in_flight = std::stoi(argv[4]);
  const double seconds = std::stod(argv[5]);

  core::kafka_producer producer(properties);
  ingest::publisher events(producer, argv[2]);
  closed_loop loop(events, deliveries);
  loop.start(in_flight);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // warm-up: connections, metadata
  loop.measure_from_now();
  const auto begin = clock_type::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  auto [latencies, errors] = loop.take();
  const auto elapsed = std::chrono::duration<double>(clock_type::now() - begin).count();
  loop.stop();
  producer.flush(std::chrono::seconds(10));
  std::sort(latencies.begin(), latencies.end());
  std::printf("result requests=%zu errors=%ld seconds=%.3f p50_us=%u p99_us=%u p999_us=%u\n",
              latencies.size(), errors, elapsed, percentile(latencies, 50), percentile(latencies, 99),
              percentile(latencies, 99.9));
  return 0;
}
