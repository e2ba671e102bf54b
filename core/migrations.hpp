#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::core {

/// One schema migration, schemas/sql/NNN_name.sql, compiled into the binaries.
struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// The database is ahead of (or differs from) what this binary knows: refuse to touch it.
struct migration_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct migration_outcome {
  std::vector<int> applied;  // versions applied by this call, in order
  int current_version = 0;
};

/// Applies each of `migrations` (sorted by version) not yet recorded in
/// public.tributary_schema_migrations, each in its own transaction that also records it. Holds a
/// session advisory lock for the whole run so that replicas starting together apply each once.
/// Throws migration_error when the database records a version this binary lacks, or a known
/// version whose SQL differs (checksum).
migration_outcome apply_migrations(pqxx::connection& connection,
                                   std::span<const migration> migrations,
                                   const std::function<void(const migration&)>& on_apply = {});

/// Throws migration_error unless the database has exactly `migrations` applied (a worker or
/// reconciler calls this at start so that it never runs against a schema it does not know).
void require_current_schema(pqxx::connection& connection, std::span<const migration> migrations);

}  // namespace tributary::core
