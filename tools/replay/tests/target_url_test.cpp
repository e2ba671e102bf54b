#include "tools/replay/target_url.hpp"

#include <gtest/gtest.h>

namespace tributary::replay {
namespace {

TEST(parse_target_url, reads_scheme_host_port_and_path) {
  const auto url = parse_target_url("https://ingest.example.com:8443/webhooks/github?x=1");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "ingest.example.com");
  EXPECT_EQ(url.port, "8443");
  EXPECT_EQ(url.target, "/webhooks/github?x=1");
}

TEST(parse_target_url, defaults_port_and_path) {
  const auto https = parse_target_url("https://example.com");
  EXPECT_EQ(https.port, "443");
  EXPECT_EQ(https.target, "/");
  EXPECT_EQ(parse_target_url("http://example.com/a").port, "80");
}

TEST(parse_target_url, reads_ipv6_literals) {
  const auto url = parse_target_url("http://[::1]:8080/x");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, "8080");
}

TEST(parse_target_url, refuses_what_it_cannot_use) {
  for (const auto bad : {"ftp://h/", "h:80/", "http://", "http://:80/", "http://h:x/", "http://[::1/"})
    EXPECT_THROW(parse_target_url(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace tributary::replay
