#include "ingest/body_budget.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tributary::ingest {
namespace {

constexpr std::size_t MiB = 1024 * 1024;

TEST(body_budget, reserves_what_fits_and_refuses_the_rest) {
  body_budget budget(10 * MiB, MiB, 0.75);
  auto a = budget.reserve(MiB);
  auto b = budget.reserve(MiB);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(budget.held(), 2 * MiB);
  std::vector<body_budget::reservation> small;
  for (int i = 0; i < 8; ++i) {
    auto r = budget.reserve(MiB);
    ASSERT_TRUE(r) << i;
    small.push_back(std::move(*r));
  }
  EXPECT_EQ(budget.held(), 10 * MiB);
  EXPECT_FALSE(budget.reserve(1));
  EXPECT_TRUE(budget.reserve(0));  // an empty body always fits
}

TEST(body_budget, destruction_and_release_give_the_bytes_back) {
  body_budget budget(4 * MiB, MiB, 0.75);
  {
    auto r = budget.reserve(MiB);
    ASSERT_TRUE(r);
    EXPECT_EQ(budget.held(), MiB);
  }
  EXPECT_EQ(budget.held(), 0u);
  auto r = budget.reserve(MiB);
  r->release();
  r->release();  // twice is harmless
  EXPECT_EQ(budget.held(), 0u);
  // A moved-from reservation gives back nothing, the moved-to one everything.
  auto first = budget.reserve(MiB);
  auto second = std::move(*first);
  first.reset();
  EXPECT_EQ(budget.held(), MiB);
}

TEST(body_budget, large_bodies_leave_room_for_small_ones) {
  // 8 MiB, large = over 1 MiB, large bodies together at most 6 MiB.
  body_budget budget(8 * MiB, MiB, 0.75);
  EXPECT_EQ(budget.large_limit(), 6 * MiB);
  std::vector<body_budget::reservation> large;
  while (auto r = budget.reserve(2 * MiB)) large.push_back(std::move(*r));
  EXPECT_EQ(large.size(), 3u);
  // The last quarter is for small bodies only.
  EXPECT_FALSE(budget.reserve(MiB + 1));
  auto small = budget.reserve(MiB);
  auto other = budget.reserve(MiB);
  EXPECT_TRUE(small && other);
  EXPECT_FALSE(budget.reserve(1));
  // Small bodies may use the large share too, when large ones don't.
  large.clear();
  std::vector<body_budget::reservation> smalls;
  while (auto r = budget.reserve(MiB)) smalls.push_back(std::move(*r));
  EXPECT_EQ(smalls.size(), 6u);
  EXPECT_EQ(budget.held(), 8 * MiB);
}

TEST(body_budget, growing_a_reservation_is_checked_like_a_new_one) {
  body_budget budget(8 * MiB, MiB, 0.75);
  auto chunked = budget.reserve(0);
  ASSERT_TRUE(chunked);
  EXPECT_TRUE(chunked->resize(MiB));      // still small
  EXPECT_TRUE(chunked->resize(6 * MiB));  // large now, within the large share
  EXPECT_EQ(budget.held(), 6 * MiB);
  EXPECT_FALSE(chunked->resize(6 * MiB + 1));  // over the large share: unchanged
  EXPECT_EQ(chunked->bytes(), 6 * MiB);
  EXPECT_EQ(budget.held(), 6 * MiB);
  auto small = budget.reserve(2 * MiB);
  EXPECT_FALSE(small);  // 2 MiB is large, and the large share is used up
  EXPECT_TRUE(chunked->resize(MiB));  // shrinking always works
  EXPECT_EQ(budget.held(), MiB);
}

TEST(body_budget, the_gauge_follows_the_bytes_held) {
  prometheus::Gauge gauge;
  body_budget budget(8 * MiB, MiB, 0.75, &gauge);
  auto r = budget.reserve(3 * MiB);
  EXPECT_EQ(gauge.Value(), 3.0 * MiB);
  r.reset();
  EXPECT_EQ(gauge.Value(), 0.0);
}

}  // namespace
}  // namespace tributary::ingest
