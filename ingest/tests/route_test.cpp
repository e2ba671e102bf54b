#include "ingest/route.hpp"

#include <gtest/gtest.h>

namespace tributary::ingest {
namespace {

constexpr std::string_view path = "/webhooks/github";

TEST(route_request, webhook_takes_post_only) {
  EXPECT_EQ(route_request("POST", path, path), route::webhook);
  EXPECT_EQ(route_request("POST", "/webhooks/github?x=1", path), route::webhook);
  EXPECT_EQ(route_request("GET", path, path), route::method_not_allowed);
  EXPECT_EQ(route_request("PUT", path, path), route::method_not_allowed);
}

TEST(route_request, probes_take_get_and_head) {
  EXPECT_EQ(route_request("GET", "/healthz", path), route::health);
  EXPECT_EQ(route_request("HEAD", "/healthz", path), route::health);
  EXPECT_EQ(route_request("GET", "/readyz", path), route::ready);
  EXPECT_EQ(route_request("POST", "/readyz", path), route::method_not_allowed);
}

TEST(route_request, anything_else_is_not_found) {
  EXPECT_EQ(route_request("POST", "/", path), route::not_found);
  EXPECT_EQ(route_request("POST", "/webhooks/github/", path), route::not_found);
  EXPECT_EQ(route_request("POST", "/webhooks/githubx", path), route::not_found);
  EXPECT_EQ(route_request("GET", "/metrics", path), route::not_found);
}

}  // namespace
}  // namespace tributary::ingest
