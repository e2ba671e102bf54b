#pragma once

#include "workers/folds/entities.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tributary::workers {

/// An issue object.
struct issue_row {
  std::int64_t id = 0;
  std::int64_t number = 0;
  std::optional<std::string> title;
  std::optional<user_row> author;
  std::string state;  // when the payload omits it: closed if closed_at is set, else open
  std::optional<std::string> state_reason;
  bool is_pull_request = false;
  std::string created_at, updated_at;
  std::optional<std::string> closed_at;
  std::vector<user_row> assignees;
};

/// Reads an issue object. Pure.
issue_row read_issue(const payload_node& node);

/// issues: upserts the issue by id with its assignees; records who was assigned at a closing;
/// flags deleted and transferred issues (and folds the transferred issue's new self).
void fold_issues(const event& source, fold_transaction& transaction);
void prepare_issues(pqxx::connection& connection);

}  // namespace tributary::workers
