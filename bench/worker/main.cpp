// The two halves of bench/worker/run.sh that need a program:
//   tributary-bench-worker preload --bootstrap B --topic T --count N [--first-copy K]
//     publishes N deliveries of the realistic mix (realistic_mix.hpp) to topic T as ingest does
//     (key, headers, received-at now; the producer's lz4), checks that the broker kept every one
//     (no partition's low watermark moved: the devbroker's 5 MB per partition), and prints
//     "published N (B bytes of payload)".
//   tributary-bench-worker send --url U --secret S --rate R --count N [--connections C]
//                               [--first-copy K] --out FILE
//     sends N deliveries of the mix to ingest at R a second (paced_sender.hpp) and writes one
//     line per delivery: id, status, answered-at (µs since the epoch), latency (µs), lateness (µs).
// The examples file is found under TRIBUTARY_SOURCE_DIR (tests/data's node_modules).
#include "bench/worker/paced_sender.hpp"
#include "bench/worker/realistic_mix.hpp"
#include "core/clock.hpp"
#include "core/envelope.hpp"
#include "core/kafka_producer.hpp"
#include "tools/replay/example_payloads.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

using namespace tributary;

namespace {

std::map<std::string, std::string> parse_flags(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name.rfind("--", 0) != 0) throw std::invalid_argument("expected a flag, got " + name);
    flags[name.substr(2)] = argv[i + 1];
  }
  return flags;
}

std::string required(const std::map<std::string, std::string>& flags, const std::string& name) {
  const auto found = flags.find(name);
  if (found == flags.end()) throw std::invalid_argument("--" + name + " is required");
  return found->second;
}

std::string examples_file() {
  const char* root = std::getenv("TRIBUTARY_SOURCE_DIR");
  return replay::default_examples_file(root ? root : ".");
}

int preload(const std::map<std::string, std::string>& flags) {
  const auto topic = required(flags, "topic");
  const auto deliveries = bench::realistic_mix(
      examples_file(), std::stoul(required(flags, "count")),
      flags.count("first-copy") ? std::stoul(flags.at("first-copy")) : 0);
  // Ingest's producer (idempotent, acks=all, lz4) with a longer linger: a preload is one burst,
  // and fuller batches compress better, which the devbroker's 5 MB per partition needs.
  core::kafka_producer producer({{"bootstrap.servers", required(flags, "bootstrap")},
                                 {"linger.ms", "20"},
                                 {"queue.buffering.max.kbytes", "1048576"}});
  std::atomic<std::size_t> failed{0};
  std::size_t bytes = 0;
  const auto received_at = core::format_rfc3339_ms(std::chrono::system_clock::now());
  namespace envelope = core::envelope;
  for (const auto& item : deliveries) {
    bytes += item.payload.size();
    for (;;) {
      try {
        producer.produce({topic, item.key, item.payload,
                          {{envelope::header_event, item.event},
                           {envelope::header_delivery, item.delivery_id},
                           {envelope::header_received_at, received_at},
                           {envelope::header_source, envelope::source_webhook},
                           {envelope::header_content_type, envelope::content_type_json}}},
                         [&failed](const core::delivery_report& report) {
                           if (!report.ok()) ++failed;
                         });
        break;
      } catch (const core::kafka_error&) {
        producer.flush(std::chrono::milliseconds(100));  // a full queue: let it drain
      }
    }
  }
  if (producer.flush(std::chrono::seconds(120)) != 0 || failed != 0) {
    std::cerr << "preload: " << failed << " messages not delivered\n";
    return 1;
  }
  std::unique_ptr<RdKafka::Metadata> metadata;
  {
    RdKafka::Metadata* raw = nullptr;
    if (producer.handle().metadata(false, nullptr, &raw, 10000) != RdKafka::ERR_NO_ERROR) {
      std::cerr << "preload: no metadata\n";
      return 1;
    }
    metadata.reset(raw);
  }
  long long kept = 0;
  for (const auto* topic_metadata : *metadata->topics()) {
    if (topic_metadata->topic() != topic) continue;
    for (const auto* partition : *topic_metadata->partitions()) {
      std::int64_t low = 0, high = 0;
      producer.handle().query_watermark_offsets(topic, partition->id(), &low, &high, 10000);
      if (low != 0) {
        std::cerr << "preload: partition " << partition->id() << " lost its first " << low
                  << " messages (the devbroker keeps ~5 MB a partition): use more partitions\n";
        return 1;
      }
      kept += high;
    }
  }
  if (kept != static_cast<long long>(deliveries.size())) {
    std::cerr << "preload: the topic holds " << kept << " messages, not " << deliveries.size() << "\n";
    return 1;
  }
  std::cout << "published " << deliveries.size() << " (" << bytes << " bytes of payload)\n";
  return 0;
}

int send(const std::map<std::string, std::string>& flags) {
  bench::pacing settings;
  settings.rate = std::stod(required(flags, "rate"));
  settings.secret = required(flags, "secret");
  if (flags.count("connections")) settings.connections = static_cast<unsigned>(std::stoul(flags.at("connections")));
  const auto url = replay::parse_target_url(required(flags, "url"));
  const auto deliveries = bench::realistic_mix(
      examples_file(), std::stoul(required(flags, "count")),
      flags.count("first-copy") ? std::stoul(flags.at("first-copy")) : 0);
  const auto results = bench::send_paced(url, deliveries, settings);
  std::ofstream out(required(flags, "out"));
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& result = results[i];
    if (result.status == 202) ++accepted;
    out << deliveries[i].delivery_id << '\t' << result.status << '\t' << result.answered_at_us
        << '\t' << result.latency_us << '\t' << result.late_us << '\n';
  }
  std::cout << "sent " << results.size() << ", " << accepted << " answered 202\n";
  return accepted == results.size() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    const auto flags = parse_flags(argc, argv);
    if (command == "preload") return preload(flags);
    if (command == "send") return send(flags);
  } catch (const std::exception& error) {
    std::cerr << "tributary-bench-worker: " << error.what() << "\n";
    return 2;
  }
  std::cerr << "usage: tributary-bench-worker preload|send --flag value ... (see main.cpp)\n";
  return 2;
}
