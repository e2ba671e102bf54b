#include "workers/pg_array.hpp"
#include "workers/fold_error.hpp"
#include "workers/pg_failure.hpp"

#include <pqxx/pqxx>

#include <gtest/gtest.h>

namespace tributary::workers {
namespace {

TEST(pg_array, quotes_and_escapes_every_element) {
  pg_array array;
  EXPECT_EQ(array.str(), "{}");
  array.add("plain");
  array.add("with \"quotes\" and \\ backslash, {braces}");
  array.add_null();
  array.add(std::optional<std::string>{});
  array.add(std::int64_t{-5});
  array.add(true);
  EXPECT_EQ(array.size(), 6u);
  EXPECT_EQ(array.str(),
            R"({"plain","with \"quotes\" and \\ backslash, {braces}",NULL,NULL,-5,t})");
}

TEST(pg_failure, sorts_errors_by_what_to_do_next) {
  EXPECT_EQ(classify_failure(fold_error("x")), failure_kind::payload);
  EXPECT_EQ(classify_failure(pqxx::broken_connection("gone")), failure_kind::connection);
  EXPECT_EQ(classify_failure(pqxx::in_doubt_error("?")), failure_kind::connection);
  EXPECT_EQ(classify_failure(pqxx::sql_error("x", "q", "40001")), failure_kind::transient);
  EXPECT_EQ(classify_failure(pqxx::sql_error("x", "q", "40P01")), failure_kind::transient);
  EXPECT_EQ(classify_failure(pqxx::sql_error("x", "q", "53300")), failure_kind::transient);
  EXPECT_EQ(classify_failure(pqxx::sql_error("x", "q", "57P01")), failure_kind::connection);
  EXPECT_EQ(classify_failure(pqxx::sql_error("x", "q", "22007")), failure_kind::payload);
  EXPECT_EQ(classify_failure(pqxx::sql_error("x", "q", "23505")), failure_kind::payload);
  EXPECT_EQ(classify_failure(pqxx::sql_error("x", "q", "42P01")), failure_kind::fatal);
  EXPECT_EQ(classify_failure(std::runtime_error("bug")), failure_kind::fatal);
  // What libpqxx 6 really throws for class 40 and for too many connections (none of them is an
  // sql_error).
  EXPECT_EQ(classify_failure(pqxx::deadlock_detected("x")), failure_kind::transient);
  EXPECT_EQ(classify_failure(pqxx::serialization_failure("x")), failure_kind::transient);
  EXPECT_EQ(classify_failure(pqxx::transaction_rollback("x")), failure_kind::transient);
  EXPECT_EQ(classify_failure(pqxx::statement_completion_unknown("x")), failure_kind::connection);
  EXPECT_EQ(classify_failure(pqxx::too_many_connections("x")), failure_kind::connection);
}

TEST(pg_failure, reason_is_one_line) {
  EXPECT_EQ(failure_reason(pqxx::sql_error(
                "ERROR:  invalid input syntax for type timestamp with time zone: \"soon\"\n", "q",
                "22007")),
            "PostgreSQL rejected it: invalid input syntax for type timestamp with time zone: "
            "\"soon\"");
  EXPECT_EQ(failure_reason(fold_error("issue.user.id is missing")), "issue.user.id is missing");
  // The statement's text (LINE ...) and the deadlock's process ids are not the reason.
  EXPECT_EQ(failure_reason(pqxx::sql_error("ERROR:  canceling statement due to lock timeout\n"
                                           "LINE 2:     INSERT INTO github.deliveries (d...\n"
                                           "                         ^\n",
                                           "q", "55P03")),
            "PostgreSQL rejected it: canceling statement due to lock timeout");
  EXPECT_EQ(failure_reason(pqxx::deadlock_detected(
                "ERROR:  deadlock detected\nDETAIL:  Process 1 waits for ShareLock on transaction "
                "7; blocked by process 2.\nHINT:  See server log for query details.\n")),
            "PostgreSQL rejected it: deadlock detected");
}

}  // namespace
}  // namespace tributary::workers
