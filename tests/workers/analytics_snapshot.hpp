#pragma once

#include <map>
#include <string>
#include <vector>

namespace tributary::testing {

/// Every analytics view of the database at `url`, each as its rows sorted as strings, one string
/// a row ("a|b|c", NULL as "-", times in UTC, hours to four decimals), so that two databases can
/// be compared and expected numbers written down plainly.
std::map<std::string, std::vector<std::string>> analytics_snapshot(const std::string& url);

/// The rows of `query` in the database at `url`, in the query's order, each as "a|b|c" (NULL as
/// "-", times in UTC): the form analytics_snapshot gives every view.
std::vector<std::string> rows_of(const std::string& url, const std::string& query);

/// A fresh database with every migration applied; returns its URL.
std::string migrated_database(const std::string& prefix);

/// The count of `query` (SELECT count(*) ...) in the database at `url`.
long long count_of(const std::string& url, const std::string& query);

}  // namespace tributary::testing
