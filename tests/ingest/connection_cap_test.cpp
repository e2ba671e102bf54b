// INGEST_MAX_CONNECTIONS: with N open, connection N+1 is closed at once without an answer while
// the N stay served, and once one of them closes a new connection is served again.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/ingest/raw_connection.hpp"
#include "tests/ingest/running_ingest.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* health_request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

TEST(ingest_connection_cap, connection_over_the_cap_is_closed_and_a_freed_slot_is_reused) {
  constexpr int cap = 3;
  // Idle connections must outlive the test's steps: a long header (keep-alive) timeout.
  running_ingest ingest(fresh_topic("ingest_cap"), {{"INGEST_MAX_CONNECTIONS", std::to_string(cap)},
                                                    {"INGEST_HEADER_TIMEOUT", "120s"}});
  std::vector<std::unique_ptr<raw_connection>> held;
  for (int i = 0; i < cap; ++i) {
    held.push_back(std::make_unique<raw_connection>(ingest.port()));
    ASSERT_TRUE(held.back()->send(health_request));
    // Answered: accepted and counted before the next one connects.
    ASSERT_EQ(held.back()->read_status(20s), 200u) << "connection " << i;
  }

  // The kernel completes the TCP handshake; ingest closes the connection without reading it.
  raw_connection refused(ingest.port());
  refused.send(health_request);  // may fail already: the close can come first
  EXPECT_EQ(refused.read_status(20s), 0u) << refused.received();
  EXPECT_EQ(refused.wait_for_close(20s), peer_state::closed);

  // The N held connections are still served.
  for (int i = 0; i < cap; ++i) {
    ASSERT_TRUE(held[i]->send(health_request));
    EXPECT_EQ(held[i]->read_status(20s), 200u) << "connection " << i;
  }
  auto metrics = metrics_scrape::fetch(ingest.metrics_port());
  EXPECT_EQ(metrics.find("tributary_ingest_refused_connections_total"), 1.0);
  EXPECT_EQ(metrics.find("tributary_ingest_open_connections"), double(cap));

  // One closes; once ingest has seen it go, a new connection is served again.
  held.front()->close();
  held.erase(held.begin());
  ASSERT_TRUE(wait_until(
      [&] {
        return metrics_scrape::fetch(ingest.metrics_port()).find("tributary_ingest_open_connections") ==
               double(cap - 1);
      },
      20s, 100ms));
  raw_connection replacement(ingest.port());
  ASSERT_TRUE(replacement.send(health_request));
  EXPECT_EQ(replacement.read_status(20s), 200u);
  metrics = metrics_scrape::fetch(ingest.metrics_port());
  EXPECT_EQ(metrics.find("tributary_ingest_refused_connections_total"), 1.0);
  EXPECT_EQ(metrics.find("tributary_ingest_open_connections"), double(cap));
}

}  // namespace
}  // namespace tributary::testing
