#include "reconciler/link_header.hpp"

#include <gtest/gtest.h>

namespace tributary::reconciler {
namespace {

// The shapes below are GitHub's own, from "Using pagination in the REST API".
TEST(link_header, reads_every_relation_of_a_middle_page) {
  const auto links = parse_link_header(
      R"(<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", )"
      R"(<https://api.github.com/repositories/1300192/issues?page=4>; rel="next", )"
      R"(<https://api.github.com/repositories/1300192/issues?page=515>; rel="last", )"
      R"(<https://api.github.com/repositories/1300192/issues?page=1>; rel="first")");
  ASSERT_EQ(links.size(), 4u);
  EXPECT_EQ(links.at("next"), "https://api.github.com/repositories/1300192/issues?page=4");
  EXPECT_EQ(links.at("prev"), "https://api.github.com/repositories/1300192/issues?page=2");
  EXPECT_EQ(links.at("last"), "https://api.github.com/repositories/1300192/issues?page=515");
  EXPECT_EQ(links.at("first"), "https://api.github.com/repositories/1300192/issues?page=1");
}

TEST(link_header, first_page_has_next_and_last) {
  EXPECT_EQ(next_page_link(R"(<https://api.github.com/repositories/1300192/issues?per_page=100&page=2>; rel="next", )"
                           R"(<https://api.github.com/repositories/1300192/issues?per_page=100&page=14>; rel="last")"),
            "https://api.github.com/repositories/1300192/issues?per_page=100&page=2");
}

TEST(link_header, last_page_has_no_next) {
  EXPECT_FALSE(next_page_link(R"(<https://api.github.com/repositories/1300192/issues?page=514>; rel="prev", )"
                              R"(<https://api.github.com/repositories/1300192/issues?page=1>; rel="first")"));
  EXPECT_FALSE(next_page_link(""));
}

TEST(link_header, cursor_pagination_of_hook_deliveries) {
  // Hook deliveries page with a cursor instead of a page number.
  EXPECT_EQ(next_page_link(R"(<https://api.github.com/orgs/octo-org/hooks/1/deliveries?per_page=100&cursor=v1_12077215967>; rel="next")"),
            "https://api.github.com/orgs/octo-org/hooks/1/deliveries?per_page=100&cursor=v1_12077215967");
}

TEST(link_header, tolerates_unquoted_extra_parameters_and_several_relations) {
  const auto links = parse_link_header(
      R"(<https://x/a?q=a,b>; title="one, two"; rel=next,<https://x/b>;rel="prev first")");
  EXPECT_EQ(links.at("next"), "https://x/a?q=a,b");
  EXPECT_EQ(links.at("prev"), "https://x/b");
  EXPECT_EQ(links.at("first"), "https://x/b");
}

TEST(link_header, skips_malformed_entries) {
  EXPECT_TRUE(parse_link_header("garbage").empty());
  EXPECT_TRUE(parse_link_header(R"(<https://x/a; rel="next")").empty());
  EXPECT_TRUE(parse_link_header(R"(<https://x/a>; title="next")").empty());
  EXPECT_TRUE(parse_link_header(R"(<>; rel="next")").empty());
}

}  // namespace
}  // namespace tributary::reconciler
