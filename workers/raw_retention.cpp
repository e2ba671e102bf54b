#include "workers/raw_retention.hpp"

#include "workers/rfc3339.hpp"

#include <cstdio>

namespace tributary::workers {

std::string iso_date(std::chrono::year_month_day date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::chrono::year_month_day raw_retention::first_kept_month(clock::time_point now) const {
  const auto current = month_of(now);
  const auto first = std::chrono::year_month{current.year(), current.month()} -
                     std::chrono::months{retention_months_};
  return first / std::chrono::day{1};
}

bool raw_retention::keeps(clock::time_point received_at, clock::time_point now) const {
  if (retention_months_ <= 0) return true;
  return std::chrono::sys_days(month_of(received_at)) >=
         std::chrono::sys_days(first_kept_month(now));
}

void raw_retention::ensure(pqxx::connection& connection,
                           const std::set<std::chrono::year_month_day>& months) {
  for (const auto& month : months) {
    if (known_.contains(month)) continue;
    pqxx::work work(connection);
    work.exec_params("SELECT github.ensure_webhook_events_partition($1::date)", iso_date(month));
    work.commit();
    known_.insert(month);
  }
}

std::vector<std::string> raw_retention::maintain(pqxx::connection& connection,
                                                 clock::time_point now) {
  const auto current = month_of(now);
  const auto next = (std::chrono::year_month{current.year(), current.month()} +
                     std::chrono::months{1}) / std::chrono::day{1};
  known_.clear();  // another worker may have created or dropped some
  ensure(connection, {current, next});
  std::vector<std::string> dropped;
  if (retention_months_ <= 0) return dropped;
  const auto first_kept = first_kept_month(now);
  pqxx::work work(connection);
  for (const auto& row : work.exec_params(
           "SELECT github.drop_webhook_events_partitions_before($1::date)", iso_date(first_kept)))
    dropped.push_back(row[0].as<std::string>());
  work.commit();
  return dropped;
}

}  // namespace tributary::workers
