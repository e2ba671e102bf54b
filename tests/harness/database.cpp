#include "tests/harness/database.hpp"

#include <pqxx/pqxx>

#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"

namespace tributary::testing {

std::string database_url_for(std::string name) {
  // services.sh writes postgresql://USER@HOST:PORT/postgres (no query part): replace the path.
  std::string url = services().database_url();
  const std::size_t slash = url.rfind('/');
  if (slash == std::string::npos || slash < url.find("://") + 3)
    throw harness_error("unexpected database URL form in services.env");
  url.erase(slash + 1);
  return url + name;
}

std::string create_database(std::string_view prefix) {
  const std::string name = unique_name(prefix);
  pqxx::connection connection(services().database_url());
  pqxx::nontransaction statement(connection);  // CREATE DATABASE can't run in a transaction
  statement.exec0("CREATE DATABASE " + connection.quote_name(name));
  return database_url_for(name);
}

}  // namespace tributary::testing
