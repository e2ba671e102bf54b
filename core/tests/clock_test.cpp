#include "core/clock.hpp"

#include <gtest/gtest.h>

namespace tributary::core {
namespace {

TEST(format_rfc3339_ms, writes_utc_with_milliseconds) {
  using namespace std::chrono;
  const system_clock::time_point when{milliseconds(1'700'000'000'123)};
  EXPECT_EQ(format_rfc3339_ms(when), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(format_rfc3339_ms(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace tributary::core
