// The harness's PostgreSQL: started, reachable, version 15, fresh databases on demand.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "tests/harness/database.hpp"
#include "tests/harness/services.hpp"

namespace tributary::testing {
namespace {

TEST(postgres, is_version_15_and_reachable) {
  pqxx::connection connection(services().database_url());
  pqxx::work query(connection);
  const auto version = query.exec1("SELECT version()")[0].as<std::string>();
  EXPECT_EQ(version.rfind("PostgreSQL 15.", 0), 0u) << version;
  EXPECT_EQ(query.exec1("SHOW server_version_num")[0].as<int>() / 10000, 15);
}

TEST(postgres, runs_with_the_test_settings) {
  pqxx::connection connection(services().database_url());
  pqxx::work query(connection);
  EXPECT_EQ(query.exec1("SHOW fsync")[0].as<std::string>(), "off");
  EXPECT_EQ(query.exec1("SHOW synchronous_commit")[0].as<std::string>(), "off");
  EXPECT_EQ(query.exec1("SHOW full_page_writes")[0].as<std::string>(), "off");
  EXPECT_GE(query.exec1("SHOW max_connections")[0].as<int>(), 100);
  // The server process must not run as root (PostgreSQL refuses to, and CI runs tests as root).
  EXPECT_TRUE(
      query.exec1("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0].as<bool>());
}

TEST(postgres, create_database_gives_a_fresh_database_each_time) {
  const std::string first = create_database("foundation");
  const std::string second = create_database("foundation");
  ASSERT_NE(first, second);
  pqxx::connection a(first);
  pqxx::connection b(second);
  EXPECT_NE(a.dbname(), b.dbname());
  EXPECT_EQ(std::string(a.dbname()).rfind("foundation_", 0), 0u) << a.dbname();
  {
    pqxx::work tx(a);
    tx.exec0("CREATE TABLE only_in_a (id int)");
    tx.commit();
  }
  pqxx::work tx(b);
  EXPECT_FALSE(tx.exec1("SELECT to_regclass('public.only_in_a') IS NOT NULL")[0].as<bool>());
}

TEST(postgres, database_url_for_names_the_database) {
  pqxx::connection connection(database_url_for("template1"));
  EXPECT_STREQ(connection.dbname(), "template1");
}

}  // namespace
}  // namespace tributary::testing
