#include <gtest/gtest.h>

#include "tests/harness/services.hpp"

namespace tributary::testing {
namespace {

TEST(test_services, parses_what_services_sh_writes) {
  const auto parsed = test_services::parse(
      "TRIBUTARY_TEST_SERVICES_DIR=/tmp/tributary-services.x\n"
      "TRIBUTARY_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5/postgres\n"
      "TRIBUTARY_TEST_BOOTSTRAP_SERVERS=127.0.0.1:1,127.0.0.1:2\n"
      "TRIBUTARY_TEST_BROKER_CONTROL=127.0.0.1:3\n"
      "TRIBUTARY_TEST_BROKER_CONTROL=127.0.0.1:4\n"
      "# a comment\n"
      "not a pair\n");
  EXPECT_EQ(parsed.database_url(), "postgresql://postgres@127.0.0.1:5/postgres");
  EXPECT_EQ(parsed.bootstrap_servers(), "127.0.0.1:1,127.0.0.1:2");
  EXPECT_EQ(parsed.broker_control(), "127.0.0.1:4");  // the later line wins
  EXPECT_EQ(parsed.value("TRIBUTARY_TEST_SERVICES_DIR"), "/tmp/tributary-services.x");
  EXPECT_EQ(parsed.value("MISSING"), "");
}

TEST(test_services, a_half_written_file_is_refused) {
  EXPECT_THROW(test_services::parse("TRIBUTARY_TEST_SERVICES_DIR=/tmp/x\n"
                                    "TRIBUTARY_TEST_DATABASE_URL=postgresql://h/postgres\n"),
               harness_error);
}

}  // namespace
}  // namespace tributary::testing
