#pragma once

#include "tests/workers/analytics_snapshot.hpp"
#include "tests/workers/lifecycle.hpp"
#include "workers/batch_applier.hpp"
#include "workers/folds/fold.hpp"

#include <atomic>
#include <memory>

namespace tributary::testing {

/// A migrated database of its own and a batch_applier on it (raw rows kept forever unless told).
struct applier_on_fresh_database {
  explicit applier_on_fresh_database(const std::string& prefix, int retention_months = 0)
      : url(migrated_database(prefix)),
        session(url,
                [](pqxx::connection& connection) {
                  workers::prepare_fold_statements(connection);
                  workers::batch_applier::prepare(connection);
                }),
        retention(retention_months),
        applier(session, retention, stopping, core::logger("worker-test"),
                workers::batch_applier::options{std::chrono::milliseconds(10),
                                                std::chrono::milliseconds(100), {}, {}}) {}

  workers::batch_outcome apply(const std::vector<workers::incoming_message>& messages) {
    return applier.apply(messages);
  }
  long long count(const std::string& query) const { return count_of(url, query); }

  std::string url;
  std::atomic<bool> stopping{false};
  workers::pg_session session;
  workers::raw_retention retention;
  workers::batch_applier applier;
};

/// The numbers build_lifecycle() must give in every analytics view (worked out by hand in
/// tests/workers/README.md).
std::map<std::string, std::vector<std::string>> expected_lifecycle_snapshot();

}  // namespace tributary::testing
