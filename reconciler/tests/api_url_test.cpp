#include "reconciler/api_url.hpp"

#include <gtest/gtest.h>

namespace tributary::reconciler {
namespace {

TEST(api_url, github_dot_com) {
  const auto endpoint = parse_api_url("https://api.github.com");
  EXPECT_TRUE(endpoint.tls);
  EXPECT_EQ(endpoint.host, "api.github.com");
  EXPECT_EQ(endpoint.port, 443);
  EXPECT_EQ(endpoint.base_path, "");
  EXPECT_EQ(endpoint.host_header(), "api.github.com");
  EXPECT_EQ(request_target(endpoint, "/orgs/octo-org/repos?per_page=100"), "/orgs/octo-org/repos?per_page=100");
}

TEST(api_url, enterprise_server_prefix_is_kept_on_every_path) {
  const auto endpoint = parse_api_url("https://GHE.example.com:8443/api/v3/");
  EXPECT_EQ(endpoint.host, "ghe.example.com");
  EXPECT_EQ(endpoint.port, 8443);
  EXPECT_EQ(endpoint.base_path, "/api/v3");
  EXPECT_EQ(endpoint.host_header(), "ghe.example.com:8443");
  EXPECT_EQ(request_target(endpoint, "/orgs/x"), "/api/v3/orgs/x");
  // A Link header names the whole URL, prefix included.
  EXPECT_EQ(request_target(endpoint, "https://ghe.example.com:8443/api/v3/orgs/x/repos?page=2"),
            "/api/v3/orgs/x/repos?page=2");
}

TEST(api_url, plain_http_only_for_loopback) {
  EXPECT_FALSE(parse_api_url("http://127.0.0.1:8080").tls);
  EXPECT_FALSE(parse_api_url("http://localhost:8080").tls);
  EXPECT_FALSE(parse_api_url("http://[::1]:8080").tls);
  EXPECT_THROW(parse_api_url("http://api.github.com"), api_url_error);
  EXPECT_THROW(parse_api_url("http://10.0.0.1:8080"), api_url_error);
  EXPECT_THROW(parse_api_url("http://127.0.0.1.evil.example"), api_url_error);
}

TEST(api_url, refuses_what_is_not_an_api_base) {
  EXPECT_THROW(parse_api_url("ftp://api.github.com"), api_url_error);
  EXPECT_THROW(parse_api_url("api.github.com"), api_url_error);
  EXPECT_THROW(parse_api_url("https://"), api_url_error);
  EXPECT_THROW(parse_api_url("https://user:pw@api.github.com"), api_url_error);
  EXPECT_THROW(parse_api_url("https://api.github.com:0"), api_url_error);
  EXPECT_THROW(parse_api_url("https://api.github.com:99999"), api_url_error);
  EXPECT_THROW(parse_api_url("https://api.github.com/?x=1"), api_url_error);
}

TEST(api_url, a_link_to_another_host_is_refused) {
  const auto endpoint = parse_api_url("https://api.github.com");
  EXPECT_THROW(request_target(endpoint, "https://evil.example/orgs/x"), api_url_error);
  EXPECT_THROW(request_target(endpoint, "https://api.github.com.evil.example/orgs/x"), api_url_error);
  EXPECT_THROW(request_target(endpoint, "http://api.github.com/orgs/x"), api_url_error);
  EXPECT_THROW(request_target(endpoint, "https://api.github.com:444/orgs/x"), api_url_error);
}

}  // namespace
}  // namespace tributary::reconciler
