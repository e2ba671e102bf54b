#pragma once

#include "workers/folds/entities.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::workers {

/// A pull request review.
struct review_row {
  std::int64_t id = 0;
  std::optional<user_row> reviewer;
  std::string state;  // lower case, as webhooks send it (REST sends upper case)
  std::optional<std::string> submitted_at;
  std::optional<std::string> commit_id;
};

/// Reads a review object. Pure.
review_row read_review(const payload_node& node);

/// Orders a review's states that share a submitted_at: 0 pending, 1 submitted (approved,
/// changes_requested, commented), 2 dismissed (a dismissal keeps submitted_at). Pure.
int review_state_rank(std::string_view state);

/// pull_request_review: upserts the review by id, ordered by submitted_at then the state's rank
/// (never by arrival), and the (abridged) pull request it belongs to.
void fold_pull_request_review(const event& source, fold_transaction& transaction);
void prepare_pull_request_review(pqxx::connection& connection);

}  // namespace tributary::workers
