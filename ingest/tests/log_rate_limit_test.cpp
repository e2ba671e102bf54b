#include "ingest/log_rate_limit.hpp"

#include <gtest/gtest.h>

namespace tributary::ingest {
namespace {

using namespace std::chrono_literals;

TEST(log_rate_limit, one_line_per_interval_counting_what_it_left_out) {
  auto now = std::chrono::steady_clock::time_point{} + 100s;
  log_rate_limit limit(1s, [&] { return now; });
  EXPECT_EQ(limit.admit(), 0u);  // the first event is logged
  for (int i = 0; i < 999; ++i) EXPECT_FALSE(limit.admit());
  now += 999ms;
  EXPECT_FALSE(limit.admit());
  now += 1ms;
  EXPECT_EQ(limit.admit(), 1000u);  // a second after the last line: logged, with the count
  now += 5s;
  EXPECT_EQ(limit.admit(), 0u);
}

TEST(log_rate_limit, a_second_of_a_flood_gives_one_line) {
  auto now = std::chrono::steady_clock::time_point{};
  log_rate_limit limit(1s, [&] { return now; });
  int lines = 0;
  for (int i = 0; i < 10'000; ++i) {  // 10,000 events over 10 s, one every millisecond
    if (limit.admit()) ++lines;
    now += 1ms;
  }
  EXPECT_EQ(lines, 10);
}

}  // namespace
}  // namespace tributary::ingest
