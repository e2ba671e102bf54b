#include "workers/pg_failure.hpp"

#include "workers/fold_error.hpp"

#include <pqxx/pqxx>

#include <string_view>

namespace tributary::workers {

failure_kind classify_failure(const std::exception& error) {
  if (dynamic_cast<const fold_error*>(&error)) return failure_kind::payload;
  if (dynamic_cast<const pqxx::broken_connection*>(&error)) return failure_kind::connection;
  // The commit may or may not have happened: applying again is harmless (the ledger).
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error)) return failure_kind::connection;
  // libpqxx 6 throws class 40 (serialization failure, deadlock...) as transaction_rollback,
  // which is not an sql_error. 40003: the statement's outcome is unknown, the link is suspect.
  if (dynamic_cast<const pqxx::statement_completion_unknown*>(&error)) return failure_kind::connection;
  if (dynamic_cast<const pqxx::transaction_rollback*>(&error)) return failure_kind::transient;
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error);
  if (!sql) return failure_kind::fatal;
  const std::string_view state = sql->sqlstate();
  const auto class_of = state.substr(0, 2);
  if (class_of == "40" || class_of == "53" || state == "55P03" || state == "57014")
    return failure_kind::transient;
  if (class_of == "08" || state == "57P01" || state == "57P02" || state == "57P03")
    return failure_kind::connection;
  // 22 data exception (a malformed timestamp, a NUL byte), 23 integrity, 54 a value too large.
  if (class_of == "22" || class_of == "23" || class_of == "54") return failure_kind::payload;
  if (state.empty()) return failure_kind::connection;  // libpq gave no status: the link failed
  return failure_kind::fatal;
}

std::string failure_reason(const std::exception& error) {
  std::string reason = error.what();
  if (reason.rfind("ERROR:", 0) == 0) reason.erase(0, 6);
  const auto first = reason.find_first_not_of(' ');
  reason.erase(0, first == std::string::npos ? reason.size() : first);
  // libpq appends CONTEXT and similar lines: they name statement parameters, not the defect.
  // and LINE/position lines that quote the statement.
  for (const char* noise : {"\nCONTEXT:", "\nLINE ", "\nDETAIL:  Process", "\nHINT:  See server log"})
    if (const auto at = reason.find(noise); at != std::string::npos) reason.erase(at);
  for (auto& c : reason)
    if (c == '\n' || c == '\r') c = ' ';
  while (!reason.empty() && reason.back() == ' ') reason.pop_back();
  if (dynamic_cast<const pqxx::sql_error*>(&error) ||
      dynamic_cast<const pqxx::transaction_rollback*>(&error))
    reason = "PostgreSQL rejected it: " + reason;
  return reason;
}

}  // namespace tributary::workers
