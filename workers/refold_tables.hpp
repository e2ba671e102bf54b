#pragma once

#include <pqxx/pqxx>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::workers {

/// Every table of schema github is one of two kinds, and a refold must know which:
/// - derived: rebuilt from the raw deliveries by the folds (entities). A refold folds them into a
///   fresh schema and swaps their contents in; the fold SQL names them without a schema.
/// - kept: what the deliveries cannot give back: the ledger, the raw events (and their monthly
///   partitions), the dead letters, the reconciler's state. A refold reads or leaves them.
/// A new table in schema github must be added to one list (tests/workers/refold_test.cpp and the
/// refold itself refuse an unclassified one). Derived tables are listed so that a table comes
/// after those its foreign keys reference (issue_assignees after issues): the swap inserts in
/// this order.
std::span<const std::string_view> derived_tables();
std::span<const std::string_view> kept_tables();

/// The tables of schema github (partitions of github.webhook_events excluded) that neither list
/// names, sorted.
std::vector<std::string> unclassified_github_tables(pqxx::transaction_base& work);

}  // namespace tributary::workers
