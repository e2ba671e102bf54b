// RECONCILE_HOOKS in the run: `tributary-reconciler --once` sweeps each hook's failed deliveries in
// every pass. The fake GitHub lists an organisation hook's history, fake_hook_sender re-sends each
// accepted redelivery to a running tributary-ingest, a tributary-worker folds it; across runs each
// failed delivery is redelivered exactly once, and the github.reconcile_runs rows and the metrics
// say what the fake recorded.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/harness/webhook_examples.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/reconciler/app_key_pair.hpp"
#include "tests/reconciler/fake_hook_sender.hpp"
#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/worker_stream.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <csignal>
#include <set>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* org = "acme";
constexpr std::int64_t hook_id = 77;

std::string guid(int n) {
  char text[40];
  std::snprintf(text, sizeof text, "6d8a1c2e-0f3b-11ef-9a1d-%012d", n);
  return text;
}

// Delivery ids of every POST …/attempts the fake accepted, in order (clear_requests keeps them).
std::vector<std::int64_t> posted_ids(const fake_github& fake) {
  std::vector<std::int64_t> ids;
  for (const auto& path : fake.redelivery_attempts()) {
    const auto end = path.rfind("/attempts");
    const auto start = path.rfind('/', end - 1) + 1;
    ids.push_back(std::stoll(path.substr(start, end - start)));
  }
  return ids;
}

class reconciler_hooks : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& example : load_webhook_examples()) {
      if (example.event != "issues" && example.event != "star") continue;
      events_.emplace_back(example.event, example.payload);
      if (events_.size() == 8) break;
    }
    ASSERT_EQ(events_.size(), 8u);
    topic_ = fresh_topic("reconciler_hooks", 1);
    url_ = migrated_database("reconciler_hooks");
    ingest_ = std::make_unique<running_ingest>(topic_);
    worker_ = std::make_unique<child_process>(worker_options(url_, topic_, unique_name("group")));
    sender_ = std::make_unique<fake_hook_sender>(org, hook_id, ingest_->url(), running_ingest::secret);
    app_sender_ = std::make_unique<fake_hook_sender>("", 0, ingest_->url(), running_ingest::secret);
    fake_github_options options;
    options.app_id = "4242";  // GitHub App 4242, installation 77
    options.app_public_key_pem = app_key_.public_pem();
    options.installation_id = "77";
    options.on_redelivery = [org_hook = sender_->handler(), app_hook = app_sender_->handler()](
                                const redelivery_request& request) {
      org_hook(request);  // each takes only its own hook's
      app_hook(request);
    };
    fake_ = std::make_unique<fake_github>(options);
    sender_->attach(*fake_);
    app_sender_->attach(*fake_);
    // A hook of an organisation that is no target: its sweep gets a row of its own. Every delivery
    // of it succeeded, so it never asks the sender to re-send.
    fake_->edit([&](fake_github_content& content) {
      content.add_organization("elsewhere");
      content.add_hook("elsewhere", 5, {{2, guid(902), 200, "issues"}, {1, guid(901), 200, "star"}});
    });
  }

  void TearDown() override {
    sender_->stop();
    app_sender_->stop();
    fake_.reset();
  }

  stored_delivery attempt(std::int64_t id, int n, int status) const {
    return {id, guid(n), status, events_[static_cast<std::size_t>(n - 1)].first,
            events_[static_cast<std::size_t>(n - 1)].second};
  }

  child_process reconciler(std::vector<std::string> arguments,
                           const std::string& hooks = "org/acme/77, org/elsewhere/5", bool as_app = false) const {
    child_options options{{required_environment("TRIBUTARY_BUILD_DIR") + "/reconciler/tributary-reconciler"}, {}};
    for (auto& argument : arguments) options.argv.push_back(std::move(argument));
    options.environment = {{"KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers()},
                           {"KAFKA_TOPIC", topic_},
                           {"DATABASE_URL", url_},
                           {"METRICS_LISTEN", "127.0.0.1:0"},
                           {"GITHUB_API_URL", fake_->url()},
                           {"GITHUB_TOKEN", "test-token"},
                           {"RECONCILE_TARGETS", org},
                           {"RECONCILE_HOOKS", hooks},
                           {"RECONCILE_INTERVAL", "1h"},
                           {"LOG_LEVEL", "info"}};
    if (as_app) {
      options.environment.erase("GITHUB_TOKEN");
      options.environment["GITHUB_APP_ID"] = "4242";
      options.environment["GITHUB_APP_PRIVATE_KEY_FILE"] = app_key_.private_key_file();
      options.environment["GITHUB_APP_INSTALLATION_ID"] = "77";
    }
    return child_process(options);
  }

  void run_once() const {
    auto process = reconciler({"--once"});
    const auto status = process.wait_for_exit(60s);
    ASSERT_TRUE(status.has_value());
    ASSERT_TRUE(status->success()) << process.stderr_text() << process.stdout_text();
  }

  bool in_ledger(int n) const {
    return count_of(url_, "SELECT count(*) FROM github.deliveries WHERE delivery_id = '" + guid(n) + "'") == 1;
  }

  bool folded(std::initializer_list<int> guids) const {
    return wait_until([&] {
      for (const int n : guids)
        if (!in_ledger(n)) return false;
      return true;
    }, 60s);
  }

  long long count(const std::string& query) const { return count_of(url_, query); }

  std::vector<std::pair<std::string, std::string>> events_;
  std::string topic_;
  std::string url_;
  std::unique_ptr<running_ingest> ingest_;
  std::unique_ptr<child_process> worker_;
  app_key_pair app_key_;
  std::unique_ptr<fake_hook_sender> sender_;
  std::unique_ptr<fake_hook_sender> app_sender_;
  std::unique_ptr<fake_github> fake_;
};

TEST_F(reconciler_hooks, each_failed_delivery_is_redelivered_once_across_runs_and_rows_and_metrics_count_the_posts) {
  // Newest first: 1 and 4 failed and never reached ingest; 3 failed at GitHub's end (a timeout)
  // though ingest has it; 2 was delivered.
  sender_->set_history({attempt(4, 4, 500), attempt(3, 3, 504), attempt(2, 2, 200), attempt(1, 1, 502)});
  for (const auto& reached : {attempt(2, 2, 200), attempt(3, 3, 504)}) ASSERT_EQ(sender_->send(reached), 202u);
  ASSERT_TRUE(folded({2, 3})) << worker_->stderr_text();

  // Run 1: 1 and 4 are redelivered, counted in acme's row; elsewhere's hook has a row of its own.
  run_once();
  ASSERT_TRUE(sender_->wait_idle(30s));
  ASSERT_EQ(posted_ids(*fake_), (std::vector<std::int64_t>{1, 4}));
  ASSERT_TRUE(folded({1, 4})) << worker_->stderr_text();
  EXPECT_EQ(count("SELECT redeliveries FROM github.reconcile_runs WHERE target = 'acme'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM github.reconcile_runs WHERE target = 'org/elsewhere/5' AND "
                  "outcome = 'complete' AND redeliveries = 0 AND requests = 1"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM github.reconcile_runs WHERE outcome <> 'complete'"), 0);
  EXPECT_EQ(count("SELECT sum(requests) FROM github.reconcile_runs"),
            static_cast<long long>(fake_->requests().size()));

  // Run 2: the history now starts with the two re-sends (202) and a new failure, 5.
  auto history = sender_->history();
  history.insert(history.begin(), attempt(20, 5, 503));
  sender_->set_history(history);
  fake_->clear_requests();
  run_once();
  ASSERT_TRUE(sender_->wait_idle(30s));
  EXPECT_EQ(posted_ids(*fake_), (std::vector<std::int64_t>{1, 4, 20}));  // every POST so far
  ASSERT_TRUE(folded({5})) << worker_->stderr_text();
  EXPECT_EQ(count("SELECT redeliveries FROM github.reconcile_runs WHERE target = 'acme' "
                  "ORDER BY id DESC LIMIT 1"), 1);
  EXPECT_EQ(count("SELECT sum(redeliveries) FROM github.reconcile_runs"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM github.redelivered WHERE answer_status = 202"), 3);
  const auto resent = sender_->resent();
  std::set<std::string> distinct;
  for (const auto& [delivery, status] : resent) {
    EXPECT_EQ(status, 202u) << delivery;
    EXPECT_TRUE(distinct.insert(delivery).second) << delivery << " re-sent twice";
  }
  EXPECT_EQ(distinct, (std::set<std::string>{guid(1), guid(4), guid(5)}));

  // Run 3, a serving process this time: a new failure, 6; its metrics count the pass.
  history = sender_->history();
  history.insert(history.begin(), attempt(30, 6, 502));
  sender_->set_history(history);
  fake_->clear_requests();
  auto process = reconciler({});
  const auto port = metrics_port_of(process);
  ASSERT_TRUE(process.wait_for_output("\"pass finished\"", 60s)) << process.stderr_text();
  const auto scrape = metrics_scrape::fetch(port);
  process.send_signal(SIGTERM);
  ASSERT_TRUE(process.wait_for_exit(30s).has_value());
  ASSERT_TRUE(sender_->wait_idle(30s));
  EXPECT_EQ(posted_ids(*fake_), (std::vector<std::int64_t>{1, 4, 20, 30}));
  EXPECT_EQ(scrape.value("tributary_reconciler_redeliveries_total"), 1);
  EXPECT_EQ(scrape.value("tributary_reconciler_redeliveries_refused_total"), 0);
  EXPECT_EQ(scrape.value("tributary_reconciler_hook_sweeps_total", {{"end", "complete"}}), 2);
  EXPECT_EQ(scrape.value("tributary_reconciler_requests_total"), static_cast<double>(fake_->requests().size()));
  EXPECT_EQ(scrape.value("tributary_reconciler_runs_total", {{"outcome", "complete"}}), 2);
  EXPECT_EQ(count("SELECT redeliveries FROM github.reconcile_runs WHERE target = 'acme' "
                  "ORDER BY id DESC LIMIT 1"), 1);
  ASSERT_TRUE(folded({6})) << worker_->stderr_text();
  EXPECT_EQ(count("SELECT count(*) FROM github.deliveries"), 6);
}

TEST_F(reconciler_hooks, the_app_hook_is_swept_with_the_apps_own_jwt_in_a_row_of_its_own) {
  app_sender_->set_history({attempt(3, 3, 502), attempt(2, 2, 200), attempt(1, 1, 500)});
  ASSERT_EQ(app_sender_->send(attempt(2, 2, 200)), 202u);
  auto process = reconciler({"--once"}, "app", true);
  const auto status = process.wait_for_exit(60s);
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(status->success()) << process.stderr_text();
  ASSERT_TRUE(app_sender_->wait_idle(30s));
  EXPECT_EQ(posted_ids(*fake_), (std::vector<std::int64_t>{1, 3}));
  ASSERT_TRUE(folded({1, 2, 3})) << worker_->stderr_text();
  EXPECT_EQ(count("SELECT count(*) FROM github.reconcile_runs WHERE target = 'app' AND outcome = "
                  "'complete' AND redeliveries = 2 AND requests = 3"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM github.reconcile_runs WHERE target = 'acme' AND outcome = "
                  "'complete' AND redeliveries = 0"), 1);
  // The app hook's listing and POSTs carried the App's JWT; the organisation's listing an
  // installation token.
  int app_requests = 0;
  for (const auto& request : fake_->requests()) {
    const bool installation_token = request.authorization.starts_with("Bearer ghs_");
    if (request.target.starts_with("/app/hook/")) {
      ++app_requests;
      EXPECT_FALSE(installation_token) << request.target;
    } else if (request.target.starts_with("/orgs/")) {
      EXPECT_TRUE(installation_token) << request.target;
    }
  }
  EXPECT_EQ(app_requests, 3);
}

TEST_F(reconciler_hooks, a_hook_github_does_not_know_fails_the_row_it_is_counted_in) {
  sender_->set_history({attempt(1, 1, 502)});
  auto process = reconciler({"--once"}, "org/acme/99, org/acme/77");
  const auto status = process.wait_for_exit(60s);
  ASSERT_TRUE(status.has_value());
  EXPECT_FALSE(status->success()) << process.stderr_text();
  // The unknown hook fails acme's row; the other hook of acme is swept all the same.
  EXPECT_EQ(count("SELECT count(*) FROM github.reconcile_runs WHERE target = 'acme' AND outcome = "
                  "'failed' AND detail LIKE 'hook org/acme/99: %' AND redeliveries = 1"), 1);
  EXPECT_EQ(posted_ids(*fake_), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(count("SELECT count(*) FROM github.redelivery_sweeps WHERE hook = 'org/acme/99'"), 0);
}

}  // namespace
}  // namespace tributary::testing
