#include "workers/raw_retention.hpp"
#include "workers/rfc3339.hpp"

#include <gtest/gtest.h>

namespace tributary::workers {
namespace {

using namespace std::chrono;

TEST(rfc3339, reads_utc_offsets_and_fractions) {
  const auto base = sys_days{2024y / 3 / 5} + hours(5);
  EXPECT_EQ(parse_rfc3339("2024-03-05T05:00:00Z"), base);
  EXPECT_EQ(parse_rfc3339("2024-03-05T07:00:00+02:00"), base);
  EXPECT_EQ(parse_rfc3339("2024-03-04T22:30:00-06:30"), base);
  EXPECT_EQ(parse_rfc3339("2024-03-05T05:00:00.250Z"), base + milliseconds(250));
  EXPECT_EQ(parse_rfc3339("2024-03-05T05:00:00.000001Z"), base + microseconds(1));
}

TEST(rfc3339, refuses_what_is_not_a_timestamp) {
  for (const char* text : {"", "2024-03-05", "2024-03-05T05:00:00", "2024-02-30T00:00:00Z",
                           "2024-03-05T25:00:00Z", "2024-03-05T05:00:00Zjunk", "2024-03-05T05:00:00.Z",
                           "yesterday", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
                           "2262-04-12T00:00:00Z", "1677-09-20T00:00:00Z"})
    EXPECT_EQ(parse_rfc3339(text), std::nullopt) << text;
}

TEST(raw_retention, keeps_the_current_month_and_the_retention_before_it) {
  const raw_retention thirteen(13);
  const system_clock::time_point now = sys_days{2026y / 11 / 23};
  EXPECT_TRUE(thirteen.keeps(sys_days{2025y / 10 / 1}, now));
  EXPECT_FALSE(thirteen.keeps(sys_days{2025y / 9 / 30} + hours(23), now));
  EXPECT_TRUE(thirteen.keeps(sys_days{2026y / 12 / 31}, now));
  const raw_retention forever(0);
  EXPECT_TRUE(forever.keeps(sys_days{1999y / 1 / 1}, now));
  EXPECT_EQ(iso_date(month_of(now)), "2026-11-01");
}

}  // namespace
}  // namespace tributary::workers
