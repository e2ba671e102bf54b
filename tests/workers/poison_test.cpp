// Messages that can't be folded go to github.dead_letters with a reason; the rest commit.
#include "tests/workers/applier_fixture.hpp"

#include "core/clock.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tributary::testing {
namespace {

using workers::incoming_message;

/// `item` with the field at `member` of object `object` replaced by `value` (JSON text), or
/// removed when `value` is empty.
delivery altered(delivery item, const char* object, const char* member, const char* value) {
  rapidjson::Document document;
  document.Parse(item.payload.c_str());
  auto& target = document[object];
  target.RemoveMember(member);
  if (*value) {
    rapidjson::Document replacement;
    replacement.Parse(value);
    target.AddMember(rapidjson::Value(member, document.GetAllocator()),
                     rapidjson::Value(replacement, document.GetAllocator()), document.GetAllocator());
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  document.Accept(writer);
  item.payload.assign(buffer.GetString(), buffer.GetSize());
  item.delivery_id += "-altered";
  return item;
}

struct dead_letter_row {
  std::int64_t offset;
  std::string delivery_id;
  std::string reason;
};

std::vector<dead_letter_row> dead_letters(const std::string& url) {
  pqxx::connection connection(url);
  pqxx::work work(connection);
  std::vector<dead_letter_row> rows;
  for (const auto& row : work.exec("SELECT kafka_offset, coalesce(delivery_id, '-'), reason "
                                   "FROM github.dead_letters ORDER BY kafka_offset"))
    rows.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>()});
  return rows;
}

TEST(poison, each_bad_message_is_dead_lettered_with_its_reason_and_the_rest_commit) {
  applier_on_fresh_database database("workers_poison");
  const auto items = build_lifecycle();
  std::vector<incoming_message> messages = to_messages(items);
  // Placed among the lifecycle's messages, one of each kind of defect:
  auto no_json = to_message(items[0]);
  no_json.value = "{\"action\": \"opened\", \"pull_request\": ";
  auto no_event_header = to_message(items[1]);
  no_event_header.headers.erase(no_event_header.headers.begin());
  // a fold that reads a missing field (found by the fold itself)
  const auto no_author_id = altered(items[1], "pull_request", "user", R"({"login":"mallory"})");
  // a time that is not one (the reader refuses it, naming the field)
  const auto bad_time = altered(items[3], "issue", "created_at", R"("soon")");
  // PostgreSQL refuses a value of the repository snapshot (too large for its integer column),
  // written for the whole batch at once: only splitting finds which message it was
  const auto bad_repository = altered(items[5], "repository", "stargazers_count", "9999999999");
  std::vector<incoming_message> batch;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    batch.push_back(messages[i]);
    if (i == 2) batch.push_back(no_json);
    if (i == 6) batch.push_back(to_message(no_author_id));
    if (i == 9) batch.push_back(no_event_header);
    if (i == 12) batch.push_back(to_message(bad_time));
    if (i == 15) batch.push_back(to_message(bad_repository));
  }
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].offset = static_cast<std::int64_t>(i);

  const auto outcome = database.apply(batch);
  EXPECT_EQ(outcome.folded_total(), 21u);
  EXPECT_EQ(outcome.dead_letters_total(), 5u);
  EXPECT_EQ(outcome.dead_letters.at("envelope"), 2u);
  EXPECT_EQ(outcome.dead_letters.at("payload"), 2u);
  EXPECT_EQ(outcome.dead_letters.at("database"), 1u);
  EXPECT_GT(outcome.splits, 0u);

  const auto rows = dead_letters(database.url);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].offset, 3);
  EXPECT_EQ(rows[0].delivery_id, items[0].delivery_id);  // from its header, though the body failed
  EXPECT_THAT(rows[0].reason, ::testing::StartsWith("the body is not JSON: "));
  EXPECT_EQ(rows[1].offset, 8);
  EXPECT_EQ(rows[1].delivery_id, no_author_id.delivery_id);
  EXPECT_EQ(rows[1].reason, "pull_request.user.id is missing");
  EXPECT_EQ(rows[2].offset, 12);
  EXPECT_EQ(rows[2].reason, "header github-event is missing");
  EXPECT_EQ(rows[3].delivery_id, bad_time.delivery_id);
  EXPECT_EQ(rows[3].reason, "issue.created_at is not an RFC 3339 timestamp");
  EXPECT_EQ(rows[4].delivery_id, bad_repository.delivery_id);
  EXPECT_THAT(rows[4].reason, ::testing::StartsWith("PostgreSQL rejected it: "));
  EXPECT_THAT(rows[4].reason, ::testing::HasSubstr("out of range for type integer"));

  // The body is kept as it came, for a later replay.
  EXPECT_EQ(database.count("SELECT count(*) FROM github.dead_letters WHERE "
                           "convert_from(payload, 'UTF8') LIKE '{\"action\": \"opened\"%'"),
            1);
  // The rest is all there, exactly once.
  EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries"), 21);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.webhook_events"), 21);

  // Read again after a crash: no second dead letter, no change.
  const auto again = database.apply(batch);
  EXPECT_EQ(again.dead_letters_total(), 0u);
  EXPECT_EQ(dead_letters(database.url).size(), 5u);
  EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());
}

TEST(poison, a_batch_of_nothing_but_bad_messages_commits_its_dead_letters) {
  applier_on_fresh_database database("workers_poison_only");
  incoming_message empty;
  empty.topic = "t";
  empty.offset = 7;
  empty.headers = {{"github-event", "push"}, {"github-delivery", "x"}};
  const auto outcome = database.apply({empty});
  EXPECT_EQ(outcome.dead_letters_total(), 1u);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.dead_letters WHERE kafka_offset = 7 AND "
                           "reason = 'the message has no value (a null body)' AND delivery_id = 'x' AND "
                           "event = 'push' AND source = 'webhook'"),
            1);
}

TEST(retention, raw_rows_older_than_the_retention_are_not_stored_and_old_months_are_dropped) {
  applier_on_fresh_database database("workers_retention", 13);
  const auto items = build_lifecycle();  // received in March 2024: beyond 13 months
  auto recent = items[0];
  recent.delivery_id = "recent";
  recent.received_at = core::format_rfc3339_ms(std::chrono::system_clock::now());
  auto messages = to_messages(items);
  messages.push_back(to_message(recent, "t", 0, 99));
  const auto outcome = database.apply(messages);
  EXPECT_EQ(outcome.raw_expired, 21u);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.deliveries"), 22);
  EXPECT_EQ(database.count("SELECT count(*) FROM github.webhook_events"), 1);
  EXPECT_EQ(analytics_snapshot(database.url), expected_lifecycle_snapshot());

  pqxx::connection connection(database.url);
  {
    pqxx::work work(connection);
    work.exec("SELECT github.ensure_webhook_events_partition('2020-01-01')");
    work.commit();
  }
  const auto dropped = database.retention.maintain(connection, std::chrono::system_clock::now());
  EXPECT_EQ(dropped, std::vector<std::string>{"webhook_events_y2020m01"});
  // this month and the next exist
  EXPECT_EQ(database.count("SELECT count(*) FROM github.webhook_events_partition_months() m "
                           "WHERE m >= date_trunc('month', now())::date"),
            2);
}

}  // namespace
}  // namespace tributary::testing
