// Failed-delivery redelivery end to end: the fake GitHub lists a hook's delivery history (cursor
// pages), redeliver_failed POSTs …/attempts for exactly the failed GUIDs the worker's ledger lacks,
// the fake re-sends each to a running tributary-ingest, and a tributary-worker folds it under its
// original GUID; then the limits: a secondary limit, a persisting one and a spent budget in the
// middle of a sweep, resumed by the next without a second POST for any GUID.
#include "reconciler/redelivery.hpp"
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/harness/webhook_examples.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/reconciler/fake_hook_sender.hpp"
#include "tests/reconciler/shifted_clock.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <set>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
using reconciler::redeliver_failed;
using reconciler::sweep_end;

constexpr const char* org = "acme";
constexpr std::int64_t hook_id = 77;

reconciler::github_config token_config(const std::string& url) {
  reconciler::github_config config;
  config.endpoint = reconciler::parse_api_url(url);
  config.auth = reconciler::token_credentials{"test-token"};
  config.request_timeout = std::chrono::seconds(20);
  return config;
}

// A few examples of @octokit/webhooks-examples (payloads the worker folds or keeps raw).
std::vector<std::pair<std::string, std::string>> example_events(std::size_t count) {
  std::vector<std::pair<std::string, std::string>> events;
  for (const auto& example : load_webhook_examples()) {
    if (example.event != "issues" && example.event != "star" && example.event != "release") continue;
    events.emplace_back(example.event, example.payload);
    if (events.size() == count) break;
  }
  return events;
}

std::string guid(int n) {
  char text[40];
  std::snprintf(text, sizeof text, "0b989ba4-242f-11e5-81e1-%012d", n);
  return text;
}

// The attempts paths the fake accepted, as a multiset of GUIDs redelivered (by delivery id).
std::multiset<std::int64_t> posted_ids(const fake_github& fake) {
  std::multiset<std::int64_t> ids;
  for (const auto& path : fake.redelivery_attempts()) {
    const auto end = path.rfind("/attempts");
    const auto start = path.rfind('/', end - 1) + 1;
    ids.insert(std::stoll(path.substr(start, end - start)));
  }
  return ids;
}

bool in_ledger(const std::string& url, const std::string& delivery) {
  return count_of(url, "SELECT count(*) FROM github.deliveries WHERE delivery_id = '" + delivery + "'") == 1;
}

TEST(redelivery, exactly_the_failed_and_missing_deliveries_are_redelivered_once_and_folded_under_their_guid) {
  const auto topic = fresh_topic("redelivery", 3);
  const auto url = migrated_database("redelivery");
  running_ingest ingest(topic);
  child_process worker(worker_options(url, topic, unique_name("group")));

  auto clock = std::make_shared<shifted_clock>();
  fake_hook_sender sender(org, hook_id, ingest.url(), running_ingest::secret);
  fake_github_options options;
  options.now = [clock] { return clock->now(); };
  options.on_redelivery = sender.handler();
  auto fake = std::make_unique<fake_github>(options);
  sender.attach(*fake);

  // The history, newest first (GitHub's ids grow with time), 7 attempts of 6 GUIDs:
  const auto events = example_events(6);
  ASSERT_EQ(events.size(), 6u);
  const auto attempt = [&](std::int64_t id, int n, int status) {
    return stored_delivery{id, guid(n), status, events[n - 1].first, events[n - 1].second};
  };
  sender.set_history({
      attempt(7, 6, 500),  // failed, never delivered: redelivered
      attempt(6, 1, 200),  // GitHub's own redelivery of 1 succeeded: not redelivered
      attempt(5, 5, 200),  // delivered: nothing to do
      attempt(4, 4, 504),  // failed: redelivered
      attempt(3, 3, 502),  // failed: redelivered
      attempt(2, 2, 504),  // GitHub timed out, but ingest had it: folded already, not redelivered
      attempt(1, 1, 503),
  });
  // What reached ingest before the sweep: the two GitHub saw delivered, and 2.
  for (const auto& reached : {attempt(6, 1, 200), attempt(5, 5, 200), attempt(2, 2, 504)})
    ASSERT_EQ(sender.send(reached), 202u);
  ASSERT_TRUE(wait_until([&] { return in_ledger(url, guid(1)) && in_ledger(url, guid(2)) && in_ledger(url, guid(5)); },
                         120s))
      << worker.stderr_text();

  const auto h = reconciler::parse_hook("org/acme/77");
  pqxx::connection connection(url);
  reconciler::client_hooks hooks;
  hooks.clock = clock;
  reconciler::github_client client(token_config(fake->url()), hooks);

  // Run 1: 4 pages of 2 (cursor pagination), 3 POSTs.
  const auto first = redeliver_failed(client, connection, h, {.per_page = 2});
  EXPECT_EQ(first.end, sweep_end::complete);
  EXPECT_EQ(first.listed, 7);
  EXPECT_EQ(first.pages, 4);
  EXPECT_EQ(first.failed, 4);
  EXPECT_EQ(first.already_folded, 1);
  EXPECT_EQ(first.already_redelivered, 0);
  EXPECT_EQ(first.redelivered, 3);
  EXPECT_EQ(first.requests, 7);
  EXPECT_EQ(posted_ids(*fake), (std::multiset<std::int64_t>{3, 4, 7}));
  std::vector<std::string> cursors;
  for (const auto& request : fake->requests())
    if (request.method == "GET") cursors.push_back(request.target);
  ASSERT_EQ(cursors.size(), 4u);
  EXPECT_EQ(cursors[0], "/orgs/acme/hooks/77/deliveries?per_page=2");
  EXPECT_EQ(cursors[1], "/orgs/acme/hooks/77/deliveries?per_page=2&cursor=v1_6");
  EXPECT_EQ(cursors[3], "/orgs/acme/hooks/77/deliveries?per_page=2&cursor=v1_2");

  // The fake re-sent each to ingest (202), and the worker folded them under their GUIDs.
  ASSERT_TRUE(sender.wait_idle(60s));
  const auto resent = sender.resent();
  ASSERT_EQ(resent.size(), 3u);
  for (const auto& [delivery, status] : resent) EXPECT_EQ(status, 202u) << delivery;
  ASSERT_TRUE(wait_until([&] { return in_ledger(url, guid(3)) && in_ledger(url, guid(4)) && in_ledger(url, guid(6)); },
                         120s))
      << worker.stderr_text();
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.deliveries"), 6);  // 1, 2 and 5, then 3, 4 and 6
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.deliveries WHERE source = 'webhook'"), 6);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.redelivered WHERE answer_status = 202 AND hook = 'org/acme/77'"),
            3);
  EXPECT_EQ(count_of(url, "SELECT last_delivery_id FROM github.redelivery_sweeps WHERE hook = 'org/acme/77'"), 7);

  // Run 2: the listing now starts with the three new attempts (202); nothing is redelivered, and
  // the walk stops at the page that reaches id 7.
  fake->clear_requests();
  const auto second = redeliver_failed(client, connection, h, {.per_page = 2});
  EXPECT_EQ(second.end, sweep_end::complete);
  EXPECT_EQ(second.pages, 2);
  EXPECT_EQ(second.listed, 4);
  EXPECT_EQ(second.redelivered, 0);
  EXPECT_EQ(second.requests, 2);
  EXPECT_EQ(posted_ids(*fake).size(), 3u);

  // Run 3: a new failure since (id 12) is redelivered; a failed manual redelivery of 5 (id 11),
  // whose success is older than the sweep point, is not (the ledger has 5); the earlier ones are
  // not asked again.
  auto history = sender.history();
  history.insert(history.begin(), attempt(11, 5, 502));
  history.insert(history.begin(), stored_delivery{12, guid(7), 500, events[0].first, events[0].second});
  sender.set_history(history);
  const auto third = redeliver_failed(client, connection, h, {.per_page = 2});
  EXPECT_EQ(third.end, sweep_end::complete);
  EXPECT_EQ(third.failed, 2);
  EXPECT_EQ(third.already_folded, 1);
  EXPECT_EQ(third.redelivered, 1);
  ASSERT_TRUE(sender.wait_idle(60s));
  EXPECT_EQ(posted_ids(*fake), (std::multiset<std::int64_t>{3, 4, 7, 12}));
  EXPECT_TRUE(wait_until([&] { return in_ledger(url, guid(7)); }, 120s)) << worker.stderr_text();

  sender.stop();
  fake.reset();
}

TEST(redelivery, a_rate_limit_or_a_spent_budget_mid_sweep_resumes_without_a_second_post) {
  const auto url = migrated_database("redelivery_limits");
  auto clock = std::make_shared<shifted_clock>();
  fake_github_options options;
  options.now = [clock] { return clock->now(); };
  fake_github fake(options);
  std::vector<fake_delivery> history;
  for (int id = 6; id >= 1; --id) history.push_back({id, guid(id), 502, "issues"});
  fake.edit([&](fake_github_content& content) {
    content.add_organization(org);
    content.add_hook(org, hook_id, history);
  });
  const auto h = reconciler::parse_hook("org/acme/77");
  pqxx::connection connection(url);

  // Run 1: after two POSTs a secondary limit with retry-after (waited, retried: the same POST once
  // accepted), after three a limit that persists through every retry: the sweep stops.
  bool paused = false, persisting = false;
  reconciler::client_hooks hooks;
  hooks.clock = clock;
  hooks.jitter = [] { return 0.5; };
  hooks.budget = [&](const reconciler::rate_limit_state&, std::int64_t) {
    const auto posted = fake.redelivery_attempts().size();
    if (posted == 2 && !paused) {
      paused = true;
      fake.inject({403, 60, 1});
    }
    if (posted == 3 && !persisting) {
      persisting = true;
      fake.inject({403, std::nullopt, 7});
    }
    return true;
  };
  {
    reconciler::github_client client(token_config(fake.url()), hooks);
    const auto first = redeliver_failed(client, connection, h, {.per_page = 2});
    EXPECT_EQ(first.end, sweep_end::rate_limited);
    EXPECT_EQ(first.pages, 3);
    EXPECT_EQ(first.redelivered, 3);
    EXPECT_EQ(client.counters().secondary_waits, 1 + 6);
  }
  EXPECT_EQ(fake.redelivery_attempts().size(), 3u);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.redelivered"), 3);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.redelivery_sweeps"), 0);  // not complete: not moved

  // Run 2: a budget of 4 requests: the listing again (3 pages), one POST, then refused.
  reconciler::client_hooks budgeted;
  budgeted.clock = clock;
  budgeted.budget = [](const reconciler::rate_limit_state&, std::int64_t spent) { return spent < 4; };
  {
    reconciler::github_client client(token_config(fake.url()), budgeted);
    const auto second = redeliver_failed(client, connection, h, {.per_page = 2});
    EXPECT_EQ(second.end, sweep_end::budget_exhausted);
    EXPECT_EQ(second.already_redelivered, 3);
    EXPECT_EQ(second.redelivered, 1);
  }
  EXPECT_EQ(fake.redelivery_attempts().size(), 4u);

  // Run 3: no limit: the last two, and the sweep point moves.
  reconciler::client_hooks free;
  free.clock = clock;
  reconciler::github_client client(token_config(fake.url()), free);
  const auto third = redeliver_failed(client, connection, h, {.per_page = 2});
  EXPECT_EQ(third.end, sweep_end::complete);
  EXPECT_EQ(third.failed, 6);
  EXPECT_EQ(third.already_redelivered, 4);
  EXPECT_EQ(third.redelivered, 2);
  EXPECT_EQ(posted_ids(fake), (std::multiset<std::int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.redelivered WHERE answer_status = 202"), 6);
  EXPECT_EQ(count_of(url, "SELECT last_delivery_id FROM github.redelivery_sweeps"), 6);

  // Run 4: nothing new: one page (it reaches id 6 at once), no POST.
  const auto fourth = redeliver_failed(client, connection, h, {.per_page = 2});
  EXPECT_EQ(fourth.pages, 1);
  EXPECT_EQ(fourth.redelivered, 0);
  EXPECT_EQ(fake.redelivery_attempts().size(), 6u);
}

TEST(redelivery, a_hook_github_does_not_know_is_an_api_error_and_moves_nothing) {
  const auto url = migrated_database("redelivery_missing");
  fake_github fake;
  pqxx::connection connection(url);
  reconciler::github_client client(token_config(fake.url()));
  EXPECT_THROW(redeliver_failed(client, connection, reconciler::parse_hook("org/acme/404")), reconciler::api_error);
  EXPECT_EQ(count_of(url, "SELECT count(*) FROM github.redelivery_sweeps"), 0);
}

}  // namespace
}  // namespace tributary::testing
