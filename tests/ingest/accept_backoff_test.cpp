// Out of file descriptors, accept fails: ingest backs off (10 ms doubling to 1 s) instead of
// failing again at once in a busy loop, and serves again once descriptors are free.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/ingest/raw_connection.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

std::size_t count_lines(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

TEST(ingest_accept_backoff, out_of_descriptors_backs_off_and_recovers) {
  running_ingest ingest(fresh_topic("ingest_emfile"));
  const auto pid = ingest.process().pid();
  const auto url = ingest.url();
  const auto traffic = example_traffic(url, running_ingest::secret, 1, 0);
  ASSERT_EQ(send_one(url, traffic.requests[0]).status, 202u);

  // Room for a few more descriptors than ingest holds now, then more connections than that.
  const auto open_now = static_cast<rlim_t>(std::distance(
      std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"),
      std::filesystem::directory_iterator()));
  const rlimit low{open_now + 8, open_now + 8};
  ASSERT_EQ(::prlimit(pid, RLIMIT_NOFILE, &low, nullptr), 0) << std::strerror(errno);
  std::vector<std::unique_ptr<raw_connection>> connections;
  for (int i = 0; i < 40; ++i) connections.push_back(std::make_unique<raw_connection>(ingest.port()));

  const auto before = count_lines(ingest.process().stdout_text() + ingest.process().stderr_text(),
                                  "accept failed");
  std::this_thread::sleep_for(3s);
  const auto during = count_lines(ingest.process().stdout_text() + ingest.process().stderr_text(),
                                  "accept failed") - before;
  std::cout << "accept failed lines over 3 s out of descriptors: " << during << "\n";
  EXPECT_GE(during, 1u) << "descriptors never ran out: nothing was tested";
  // 10 ms doubling to 1 s: about nine tries in three seconds; a busy loop makes thousands.
  EXPECT_LE(during, 15u);

  connections.clear();
  // Serves again once the connections are gone (the next try comes within a second).
  const auto again = example_traffic(url, running_ingest::secret, 1, 0);
  EXPECT_TRUE(wait_until([&] { return send_one(url, again.requests[0]).status == 202u; }, 20s, 200ms))
      << ingest.process().stderr_text();
  EXPECT_GE(metrics_scrape::fetch(ingest.metrics_port()).find("tributary_ingest_accept_failures_total").value_or(0),
            1.0);
}

}  // namespace
}  // namespace tributary::testing
