#pragma once

#include "workers/folds/entities.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace tributary::workers {

/// A pull request object. `detail` is set only for the full object of pull_request events; the
/// abridged one in pull_request_review events lacks sizes and merge state.
struct pull_request_row {
  std::int64_t id = 0;
  std::int64_t number = 0;
  std::optional<std::string> title;
  std::optional<user_row> author;
  std::string state;
  std::string created_at, updated_at;
  std::optional<std::string> closed_at, merged_at;
  std::optional<std::string> base_ref;          // base.ref: the branch it merges into
  std::optional<std::string> merge_commit_sha;  // the merge commit once merged_at is set
  struct detail_fields {
    std::optional<bool> draft, merged;
    std::optional<std::int64_t> additions, deletions, changed_files, commits;
  };
  std::optional<detail_fields> detail;
};

/// Reads a pull request object; `with_detail` when it is a full one. Pure.
pull_request_row read_pull_request(const payload_node& node, bool with_detail);

/// Writes a pull request snapshot (summary newest-wins; detail newest-wins separately).
void write_pull_request(const pull_request_row& pull_request, std::int64_t repository_id,
                        const event& source, fold_transaction& transaction);

/// pull_request: every action carries the whole pull request; it is upserted by id.
void fold_pull_request(const event& source, fold_transaction& transaction);
void prepare_pull_request(pqxx::connection& connection);

}  // namespace tributary::workers
