// Hostile bodies straight on the topic, as any producer could write them (bodies ingest refuses
// included): every testing::hostile_payloads() body, each followed on its partition by a good
// delivery. tributary-worker, as a process, stays up through all of them (the deepest would
// exhaust a recursive parser's stack), dead-letters each body it can't fold with its reason and
// delivery id, folds the rest, and ends with the numbers of the same messages applied in process.
#include "core/envelope.hpp"
#include "core/kafka_producer.hpp"
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/hostile_payloads.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/applier_fixture.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <iostream>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

/// What the worker must do with each hostile body: fold it, or dead-letter it with this reason
/// (`cause` as counted in tributary_worker_dead_letters_total).
struct verdict {
  std::string cause;   // "folded", "envelope" or "payload"
  std::string reason;  // the dead letter's reason, exactly (empty when folded)
};

const std::map<std::string, verdict>& verdicts() {
  static const std::map<std::string, verdict> table = {
      // Nested far deeper than core::max_json_depth: refused unread, without recursion.
      {"deep_arrays", {"envelope", "the body is JSON nested deeper than 128 levels"}},
      {"deep_objects", {"envelope", "the body is JSON nested deeper than 128 levels"}},
      // A field of the wrong type is named by the fold that needs it.
      {"wrong_types", {"payload", "repository is not an object"}},
      {"wrong_types_inside", {"payload", "issue.number is not an integer"}},
      // GitHub's schemas make an issue's user, the sender and an owner nullable (a deleted
      // account): folded, the author unknown.
      {"null_users", {"folded", ""}},
      // 1e30 is not an integer id (bigint); refused before PostgreSQL sees it.
      {"ids_out_of_range", {"payload", "pull_request.id is not an integer"}},
      {"times_not_times", {"payload", "issue.created_at is not an RFC 3339 timestamp"}},
      // Large but well-formed: GitHub's own cap is 20 commits a push, yet a reconciler or
      // another producer may send more; all are folded.
      {"push_of_20000_commits", {"folded", ""}},
      {"invalid_utf8", {"envelope", ""}},  // reason checked by prefix below
      // PostgreSQL's text can't hold NUL: refused naming the first field read that has one.
      {"nul_in_strings", {"payload", "repository.full_name contains a NUL character, which PostgreSQL text can't hold"}},
      {"number_too_large", {"envelope", ""}},  // reason checked by prefix below
      {"not_an_object", {"envelope", "the body is JSON but not an object"}},
  };
  return table;
}

struct keyed {
  std::string key;
  delivery item;
};

void publish_keyed(const std::string& topic, const std::vector<keyed>& messages) {
  core::kafka_producer producer({{"bootstrap.servers", bootstrap_servers()}});
  std::vector<std::promise<bool>> done(messages.size());
  namespace envelope = core::envelope;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& item = messages[i].item;
    auto& promise = done[i];
    producer.produce({topic, messages[i].key, item.payload,
                      {{envelope::header_event, item.event},
                       {envelope::header_delivery, item.delivery_id},
                       {envelope::header_received_at, item.received_at},
                       {envelope::header_source, item.source},
                       {envelope::header_content_type, envelope::content_type_json}}},
                     [&promise](const core::delivery_report& report) { promise.set_value(report.ok()); });
  }
  producer.flush(60s);
  for (std::size_t i = 0; i < done.size(); ++i)
    ASSERT_TRUE(done[i].get_future().get()) << "message " << i << " was not delivered";
}

/// "folded", or the dead letter's reason, of `delivery_id` in the database at `url`.
std::string outcome_of(const std::string& url, const std::string& delivery_id) {
  pqxx::connection connection(url);
  pqxx::work work(connection);
  if (!work.exec_params("SELECT 1 FROM github.deliveries WHERE delivery_id = $1", delivery_id).empty())
    return "folded";
  const auto rows = work.exec_params(
      "SELECT reason FROM github.dead_letters WHERE delivery_id = $1", delivery_id);
  if (rows.size() != 1) return "neither folded nor dead-lettered once (" + std::to_string(rows.size()) + ")";
  return rows[0][0].as<std::string>();
}

TEST(hostile_input, the_worker_stays_up_dead_letters_each_body_it_cannot_fold_and_goes_on) {
  const auto hostile = hostile_payloads();
  const auto lifecycle = build_lifecycle();
  ASSERT_EQ(hostile.size(), verdicts().size());
  ASSERT_LE(hostile.size(), lifecycle.size());

  // Each hostile body, then a good delivery with the same key (so the same partition); the rest
  // of the lifecycle after them.
  std::vector<keyed> messages;
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    const auto key = "hostile/" + hostile[i].name;
    messages.push_back({key, {hostile[i].event, "hostile-" + hostile[i].name,
                              "2024-03-06T13:00:00.000Z", "webhook", "", hostile[i].body}});
    messages.push_back({key, lifecycle[i]});
  }
  for (std::size_t i = hostile.size(); i < lifecycle.size(); ++i)
    messages.push_back({"acme/widgets", lifecycle[i]});

  // The same messages applied in process (in batches of 7): what the worker must end with.
  applier_on_fresh_database expected("workers_hostile_expected");
  {
    std::vector<workers::incoming_message> batch;
    for (std::size_t i = 0; i < messages.size(); ++i) {
      batch.push_back(to_message(messages[i].item, "t", 0, static_cast<std::int64_t>(i)));
      if (batch.size() == 7 || i + 1 == messages.size()) {
        expected.apply(batch);
        batch.clear();
      }
    }
  }

  const auto topic = fresh_topic("workers_hostile", 12);
  publish_keyed(topic, messages);
  const auto url = migrated_database("workers_hostile");
  child_process worker(worker_options(url, topic, unique_name("group")));
  const auto port = metrics_port_of(worker);
  ASSERT_TRUE(wait_until([&] { return settled(url) >= static_cast<long long>(messages.size()); }, 180s))
      << worker.stderr_text();
  EXPECT_TRUE(worker.is_running()) << worker.stderr_text();

  std::map<std::string, double> dead_letters_by_cause;
  for (const auto& payload : hostile) {
    const auto& wanted = verdicts().at(payload.name);
    const auto got = outcome_of(url, "hostile-" + payload.name);
    std::cout << payload.name << ": " << got << "\n";
    if (wanted.cause == "folded") {
      EXPECT_EQ(got, "folded") << payload.name;
      continue;
    }
    ++dead_letters_by_cause[wanted.cause];
    if (!wanted.reason.empty()) {
      EXPECT_EQ(got, wanted.reason) << payload.name;
    } else {
      EXPECT_EQ(got.rfind("the body is not JSON: ", 0), 0u) << payload.name << ": " << got;
    }
    EXPECT_EQ(outcome_of(expected.url, "hostile-" + payload.name), got) << payload.name;
  }
  // Every good delivery folded, those that followed a hostile body on its partition included.
  for (const auto& item : lifecycle) EXPECT_EQ(outcome_of(url, item.delivery_id), "folded");
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.commits"),
            expected.count("SELECT count(*) FROM github.commits"));
  EXPECT_EQ(analytics_snapshot(url), analytics_snapshot(expected.url));

  const auto scrape = metrics_scrape::fetch(port);
  for (const char* cause : {"envelope", "payload", "database"})
    EXPECT_EQ(scrape.value("tributary_worker_dead_letters_total", {{"cause", cause}}),
              dead_letters_by_cause[cause])
        << cause;

  worker.send_signal(SIGTERM);
  const auto status = worker.wait_for_exit(30s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success()) << worker.stderr_text();
}

}  // namespace
}  // namespace tributary::testing
