#include "core/migrations.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <map>

#include "core/hmac.hpp"

namespace tributary::core {
namespace {

// Arbitrary, fixed: every tributary-migrate replica takes the same session lock.
constexpr long long migration_lock_key = 7'412'665'873'421'001;

std::string sha256_hex(std::string_view text) {
  sha256_digest digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return to_hex(digest);
}

struct applied_migration {
  std::string name;
  std::string checksum;
};

std::map<int, applied_migration> read_applied(pqxx::connection& connection) {
  pqxx::nontransaction query(connection);
  std::map<int, applied_migration> applied;
  const auto exists = query.exec1("SELECT to_regclass('public.tributary_schema_migrations') IS NOT NULL");
  if (!exists[0].as<bool>()) return applied;
  for (const auto& row : query.exec("SELECT version, name, checksum FROM public.tributary_schema_migrations"))
    applied[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
  return applied;
}

/// Throws unless every applied migration is one of `known`, with the same SQL.
void check_applied_are_known(const std::map<int, applied_migration>& applied,
                             std::span<const migration> known) {
  for (const auto& [version, record] : applied) {
    // A projection, not a lambda: clang before 16 can't capture a structured binding.
    const auto it = std::ranges::find(known, version, &migration::version);
    if (it == known.end())
      throw migration_error("the database has migration " + std::to_string(version) + " (" +
                            record.name + ") that this binary does not know: it is newer than "
                            "this build; run a newer tributary-migrate");
    if (record.checksum != sha256_hex(it->sql))
      throw migration_error("migration " + std::to_string(version) + " (" + record.name +
                            ") was applied with different SQL than this binary holds");
  }
}

}  // namespace

migration_outcome apply_migrations(pqxx::connection& connection,
                                   std::span<const migration> migrations,
                                   const std::function<void(const migration&)>& on_apply) {
  std::vector<migration> ordered(migrations.begin(), migrations.end());
  std::sort(ordered.begin(), ordered.end(),
            [](const migration& a, const migration& b) { return a.version < b.version; });

  {
    pqxx::nontransaction lock(connection);
    lock.exec("SELECT pg_advisory_lock(" + std::to_string(migration_lock_key) + ")");
  }
  struct unlock_on_exit {
    pqxx::connection& connection;
    ~unlock_on_exit() {
      try {
        pqxx::nontransaction unlock(connection);
        unlock.exec("SELECT pg_advisory_unlock(" + std::to_string(migration_lock_key) + ")");
      } catch (const std::exception&) {
        // A broken connection releases its session lock anyway.
      }
    }
  } unlock{connection};

  {
    pqxx::work create(connection);
    create.exec(
        "CREATE TABLE IF NOT EXISTS public.tributary_schema_migrations ("
        " version integer PRIMARY KEY,"
        " name text NOT NULL,"
        " checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    create.commit();
  }

  const auto applied = read_applied(connection);
  check_applied_are_known(applied, ordered);

  migration_outcome outcome;
  for (const auto& step : ordered) {
    if (applied.contains(step.version)) continue;
    pqxx::work apply(connection);
    apply.exec(std::string(step.sql));
    apply.exec_params(
        "INSERT INTO public.tributary_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
        step.version, std::string(step.name), sha256_hex(step.sql));
    apply.commit();
    outcome.applied.push_back(step.version);
    if (on_apply) on_apply(step);
  }
  outcome.current_version = ordered.empty() ? 0 : ordered.back().version;
  return outcome;
}

void require_current_schema(pqxx::connection& connection, std::span<const migration> migrations) {
  const auto applied = read_applied(connection);
  check_applied_are_known(applied, migrations);
  for (const auto& step : migrations) {
    if (!applied.contains(step.version))
      throw migration_error("the database lacks migration " + std::to_string(step.version) + " (" +
                            std::string(step.name) + "): run tributary-migrate first");
  }
}

}  // namespace tributary::core
