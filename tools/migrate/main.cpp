// tributary-migrate: applies the SQL migrations compiled into it, each once, in order.
#include <iostream>

#include "core/log.hpp"
#include "core/migrations.hpp"
#include "core/settings.hpp"
#include "schemas/embedded_migrations.hpp"

namespace core = tributary::core;

int main(int argc, char** argv) {
  const std::vector<core::setting_spec> specs = {core::common_settings::database_url(),
                                                 core::common_settings::log_level()};
  const std::vector<core::flag_spec> flags = {
      {"--status", "Print the versions applied and known, change nothing."}};
  const auto config = core::settings::load_or_exit(
      "tributary-migrate",
      "applies Tributary's PostgreSQL migrations (schemas/sql) in order, each once; safe to run "
      "from several replicas at once.",
      specs, argc, argv, flags);
  const core::logger log("migrate");
  const auto migrations = tributary::schemas::all_migrations();
  try {
    pqxx::connection connection(config.get("DATABASE_URL"));
    if (config.flag("--status")) {
      core::require_current_schema(connection, migrations);
      std::cout << "schema is current at version " << migrations.back().version << "\n";
      return 0;
    }
    const auto outcome = core::apply_migrations(connection, migrations, [&](const core::migration& m) {
      log.info("migration applied", {{"version", m.version}, {"name", m.name}});
    });
    log.info("schema current", {{"version", outcome.current_version},
                                {"applied", outcome.applied.size()}});
    return 0;
  } catch (const core::migration_error& error) {
    std::cerr << "tributary-migrate: " << error.what() << "\n";
    return 3;
  } catch (const pqxx::broken_connection&) {
    // libpq's message may quote the connection string; say only what failed.
    std::cerr << "tributary-migrate: cannot connect to the database named by DATABASE_URL\n";
    return 4;
  } catch (const std::exception& error) {
    std::cerr << "tributary-migrate: " << error.what() << "\n";
    return 1;
  }
}
