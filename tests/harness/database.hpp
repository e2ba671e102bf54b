#pragma once

#include <string>
#include <string_view>

namespace tributary::testing {

/// The superuser URL of database `name` on the test PostgreSQL.
std::string database_url_for(std::string name);

/// Creates a fresh, uniquely named database (name starts with `prefix`) and returns its URL.
/// Tests never share a database, so they may run in parallel and leave their data behind.
std::string create_database(std::string_view prefix);

}  // namespace tributary::testing
