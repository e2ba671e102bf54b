#pragma once

#include "workers/folds/entities.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tributary::workers {

/// One commit of a push, attributed to its author's GitHub login when the payload gives one,
/// else to the author's e-mail.
struct commit_row {
  std::string sha;
  std::optional<std::string> author_username, author_email, author_name;
  std::string authored_at;
  std::optional<std::string> message;
  std::optional<std::int64_t> additions, deletions;  // only when the commit carries `stats`

  std::string login() const { return author_username ? *author_username : *author_email; }
};

/// The commits of a push payload, each sha once. Pure; throws fold_error naming the defect.
std::vector<commit_row> read_push_commits(const payload_node& root);

/// push: upserts the repository, each commit by (repository, sha), and the push itself by
/// (repository, ref, before, after) into github.pushes when the payload names its ref.
void fold_push(const event& source, fold_transaction& transaction);
void prepare_push(pqxx::connection& connection);

}  // namespace tributary::workers
