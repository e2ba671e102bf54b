// Migrations apply once: a second run is a no-op, through the library and through the CLI.
#include "core/migrations.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <pqxx/pqxx>

#include "schemas/embedded_migrations.hpp"
#include "tests/harness/child_process.hpp"
#include "tests/harness/database.hpp"
#include "tests/harness/services.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

std::vector<int> known_versions() {
  std::vector<int> versions;
  for (const auto& m : schemas::all_migrations()) versions.push_back(m.version);
  return versions;
}

std::vector<int> recorded_versions(const std::string& url) {
  pqxx::connection connection(url);
  pqxx::work query(connection);
  std::vector<int> versions;
  for (const auto& row :
       query.exec("SELECT version FROM public.tributary_schema_migrations ORDER BY version"))
    versions.push_back(row[0].as<int>());
  return versions;
}

std::string migrate_binary() {
  return required_environment("TRIBUTARY_BUILD_DIR") + "/tools/migrate/tributary-migrate";
}

TEST(migrations, apply_twice_the_second_is_a_no_op) {
  ASSERT_FALSE(schemas::all_migrations().empty());
  const std::string url = create_database("migrations");
  pqxx::connection connection(url);

  std::vector<int> reported;
  const auto first =
      core::apply_migrations(connection, schemas::all_migrations(),
                             [&](const core::migration& m) { reported.push_back(m.version); });
  EXPECT_EQ(first.applied, known_versions());
  EXPECT_EQ(reported, known_versions());
  EXPECT_EQ(first.current_version, known_versions().back());

  const auto second = core::apply_migrations(connection, schemas::all_migrations());
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.current_version, first.current_version);
  EXPECT_EQ(recorded_versions(url), known_versions());
  EXPECT_NO_THROW(core::require_current_schema(connection, schemas::all_migrations()));
}

TEST(migrations, a_database_ahead_of_the_binary_is_refused) {
  const std::string url = create_database("migrations_ahead");
  pqxx::connection connection(url);
  core::apply_migrations(connection, schemas::all_migrations());
  {
    pqxx::work tx(connection);
    tx.exec0(
        "INSERT INTO public.tributary_schema_migrations (version, name, checksum) "
        "VALUES (999999, 'from_the_future', 'x')");
    tx.commit();
  }
  EXPECT_THROW(core::apply_migrations(connection, schemas::all_migrations()),
               core::migration_error);
  EXPECT_THROW(core::require_current_schema(connection, schemas::all_migrations()),
               core::migration_error);
}

TEST(migrate_cli, runs_twice_with_exit_zero_and_applies_each_migration_once) {
  ASSERT_TRUE(std::filesystem::exists(migrate_binary()))
      << migrate_binary() << " is not built (target tributary-migrate)";
  const std::string url = create_database("migrate_cli");
  for (int run = 0; run < 2; ++run) {
    child_process migrate({{migrate_binary()}, {{"DATABASE_URL", url}}});
    const auto status = migrate.wait_for_exit(60s);
    ASSERT_TRUE(status) << "tributary-migrate did not finish";
    EXPECT_TRUE(status->success()) << "run " << run << " exit " << status->code << "\n"
                                   << migrate.stderr_text();
  }
  EXPECT_EQ(recorded_versions(url), known_versions());
}

TEST(migrate_cli, without_database_url_exits_non_zero_with_one_line) {
  ASSERT_TRUE(std::filesystem::exists(migrate_binary()))
      << migrate_binary() << " is not built (target tributary-migrate)";
  child_process migrate(
      {{migrate_binary()}, {{"DATABASE_URL", std::nullopt}, {"DATABASE_URL_FILE", std::nullopt}}});
  const auto status = migrate.wait_for_exit(30s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited);
  EXPECT_NE(status->code, 0);
  const std::string error = migrate.stderr_text();
  ASSERT_FALSE(error.empty());
  EXPECT_EQ(error.back(), '\n');
  EXPECT_EQ(error.find('\n'), error.size() - 1) << "more than one line:\n" << error;
  EXPECT_NE(error.find("DATABASE_URL"), std::string::npos) << error;
}

}  // namespace
}  // namespace tributary::testing
