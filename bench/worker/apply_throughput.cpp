// How many messages a second the worker's batch applier folds into PostgreSQL (ledger, raw row,
// entities; one transaction per batch of 500), by how the raw payload is stored. The stream is
// GitHub's 329 example payloads, each repeated under 40 delivery ids. Needs the test services
// (bench/worker/run.sh starts them).
//   tributary-bench-apply [text|pglz|json|jsonb]
#include <chrono>
#include <iostream>

#include "tests/workers/applier_fixture.hpp"

using namespace tributary;

int main(int argc, char** argv) {
  const std::string storage = argc > 1 ? argv[1] : "text";
  testing::applier_on_fresh_database database("workers_bench");
  {
    // The migration stores text with lz4; the others are what it was chosen against.
    pqxx::connection connection(database.url);
    pqxx::work change(connection);
    if (storage == "jsonb")
      change.exec("ALTER TABLE github.webhook_events ALTER COLUMN payload TYPE jsonb USING payload::jsonb");
    else if (storage == "json")
      change.exec("ALTER TABLE github.webhook_events ALTER COLUMN payload TYPE json USING payload::json");
    else if (storage == "pglz")
      change.exec("ALTER TABLE github.webhook_events ALTER COLUMN payload SET COMPRESSION pglz");
    else if (storage != "text") {
      std::cerr << "usage: tributary-bench-apply [text|pglz|json|jsonb]\n";
      return 2;
    }
    change.commit();
  }
  const auto examples = testing::example_deliveries();
  std::vector<workers::incoming_message> stream;
  for (int copy = 0; copy < 40; ++copy)
    for (auto item : examples) {
      item.delivery_id += "-" + std::to_string(copy);
      item.received_at = "2026-11-20T12:00:00.000Z";
      stream.push_back(testing::to_message(item, "bench", 0, static_cast<std::int64_t>(stream.size())));
    }
  std::size_t bytes = 0;
  for (const auto& message : stream) bytes += message.value->size();

  const auto start = std::chrono::steady_clock::now();
  std::size_t folded = 0;
  for (std::size_t i = 0; i < stream.size(); i += 500) {
    const std::vector<workers::incoming_message> batch(
        stream.begin() + static_cast<std::ptrdiff_t>(i),
        stream.begin() + static_cast<std::ptrdiff_t>(std::min(stream.size(), i + 500)));
    folded += database.apply(batch).folded_total();
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::cout << storage << ": " << stream.size() << " messages (" << bytes / stream.size()
            << " B average), " << folded << " folded, " << took.count() << " s, "
            << static_cast<long>(stream.size() / took.count()) << " messages/s\n";
}
