#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace tributary::workers {

/// Keeps the monthly partitions of github.webhook_events: creates the ones raw rows need, drops
/// those older than the retention. A raw row older than the retention is not stored (its month
/// would be dropped anyway, and a dropped month must not come back). Remembers the months it
/// knows exist; one thread.
class raw_retention {
 public:
  using clock = std::chrono::system_clock;

  /// `retention_months`: months kept before the current one; 0 keeps everything.
  explicit raw_retention(int retention_months) : retention_months_(retention_months) {}

  /// True when a raw row received at `received_at` is to be stored, judged at `now`.
  bool keeps(clock::time_point received_at, clock::time_point now) const;

  /// Makes sure the partitions for `months` (first days) exist; each in its own short
  /// transaction, outside any batch, so that the DDL's locks are held only for a moment.
  void ensure(pqxx::connection& connection, const std::set<std::chrono::year_month_day>& months);

  /// Creates this month's and next month's partitions and drops those past the retention.
  /// Returns the names of the partitions dropped.
  std::vector<std::string> maintain(pqxx::connection& connection, clock::time_point now);

  /// Forgets which partitions exist (after a reconnect the database may have changed).
  void forget() { known_.clear(); }

  int retention_months() const { return retention_months_; }

 private:
  /// The first month kept at `now`.
  std::chrono::year_month_day first_kept_month(clock::time_point now) const;

  int retention_months_;
  std::set<std::chrono::year_month_day> known_;
};

/// "YYYY-MM-DD" of a date.
std::string iso_date(std::chrono::year_month_day date);

}  // namespace tributary::workers
