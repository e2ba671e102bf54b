// How many deliveries a second `tributary-worker --refold` rebuilds from the raw store: GitHub's
// 329 example payloads under fresh delivery ids, repeated up to N deliveries (each copy with its
// own entity ids), applied by the
// worker's batch applier (batches of 500), then one refold timed (workers::refold, batches of
// 500). Needs the test services (bench/refold/run.sh starts them). Prints one line:
//   deliveries folded skipped seconds deliveries_per_second locked_seconds entity_rows
//   tributary-bench-refold [N]
#include "tests/workers/applier_fixture.hpp"
#include "workers/refold.hpp"
#include "workers/refold_tables.hpp"

#include <iostream>
#include <string>

using namespace tributary;

namespace {

/// `payload` with every "id" number raised by `offset`: each copy of the examples then has
/// entities of its own (repositories, users, pull requests...), so the refold has as many rows to
/// write and swap as a real history of that many deliveries would.
std::string shift_ids(const std::string& payload, long long offset) {
  static const std::string key = "\"id\":";
  std::string result;
  result.reserve(payload.size() + 64);
  std::size_t at = 0;
  for (auto found = payload.find(key); found != std::string::npos; found = payload.find(key, at)) {
    auto digits = found + key.size();
    result.append(payload, at, digits - at);
    auto end = digits;
    while (end < payload.size() && payload[end] >= '0' && payload[end] <= '9') ++end;
    if (end > digits && end - digits < 15)
      result += std::to_string(std::stoll(payload.substr(digits, end - digits)) + offset);
    else
      result.append(payload, digits, end - digits);
    at = end;
  }
  result.append(payload, at);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t wanted = argc > 1 ? std::stoul(argv[1]) : 20000;
  testing::applier_on_fresh_database database("refold_bench");
  const auto examples = testing::example_deliveries();
  std::vector<workers::incoming_message> batch;
  std::size_t loaded = 0;
  for (std::size_t copy = 0; loaded < wanted; ++copy)
    for (auto item : examples) {
      if (loaded == wanted) break;
      item.delivery_id += "-" + std::to_string(copy);
      item.payload = shift_ids(item.payload, static_cast<long long>(copy) * 1'000'000'000'000LL);
      item.received_at = "2026-11-20T12:00:00.000Z";
      batch.push_back(testing::to_message(item, "bench", 0, static_cast<std::int64_t>(loaded++)));
      if (batch.size() == 500) {
        database.apply(batch);
        batch.clear();
      }
    }
  if (!batch.empty()) database.apply(batch);

  std::atomic<bool> stopping{false};
  const auto outcome = workers::refold(database.url, {500, std::chrono::seconds(10), {}}, stopping,
                                       core::logger("refold-bench"));
  long long entity_rows = 0;
  for (const auto table : workers::derived_tables())
    entity_rows += database.count("SELECT count(*) FROM github." + std::string(table));
  std::cout << outcome.deliveries << ' ' << outcome.folded << ' ' << outcome.skipped << ' '
            << outcome.seconds << ' '
            << static_cast<long>(static_cast<double>(outcome.deliveries) / outcome.seconds) << ' '
            << outcome.locked_seconds << ' ' << entity_rows << '\n';
  return outcome.failed == 0 ? 0 : 1;
}
