#include "workers/folds/pull_request_review.hpp"

#include "workers/fold_error.hpp"
#include "workers/folds/pull_request.hpp"

#include <algorithm>
#include <cctype>

namespace tributary::workers {
namespace {

constexpr const char* upsert_review = "fold_pull_request_review";

}  // namespace

review_row read_review(const payload_node& node) {
  review_row review;
  review.id = node.required_integer("id");
  review.reviewer = read_user(node, "user");
  review.state = node.required_string("state");
  std::transform(review.state.begin(), review.state.end(), review.state.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  review.submitted_at = node.optional_time("submitted_at");
  review.commit_id = node.optional_string("commit_id");
  return review;
}

int review_state_rank(std::string_view state) {
  if (state == "pending") return 0;
  if (state == "dismissed") return 2;
  return 1;
}

void prepare_pull_request_review(pqxx::connection& connection) {
  // version_at: submitted_at ($7; -infinity while pending), then the state's rank ($9): a
  // dismissal keeps submitted_at, and outranks the submission it dismisses.
  connection.prepare(upsert_review, R"sql(
    INSERT INTO pull_request_reviews AS t (id, pull_request_id, repository_id,
      reviewer_login, reviewer_id, state, submitted_at, commit_id, version_at, version_rank,
      seen_at, seen_delivery)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
            github.snapshot_version_at(coalesce($7::timestamptz, '-infinity'), $10::timestamptz),
            $9, $10, $11)
    ON CONFLICT (id) DO UPDATE SET
      pull_request_id = excluded.pull_request_id, repository_id = excluded.repository_id,
      reviewer_login = excluded.reviewer_login, reviewer_id = excluded.reviewer_id,
      state = excluded.state, submitted_at = excluded.submitted_at,
      commit_id = excluded.commit_id, version_at = excluded.version_at,
      version_rank = excluded.version_rank, seen_at = excluded.seen_at,
      seen_delivery = excluded.seen_delivery
    WHERE (excluded.version_at, excluded.version_rank, excluded.seen_at, excluded.seen_delivery)
        > (t.version_at, t.version_rank, t.seen_at, t.seen_delivery))sql");
}

void fold_pull_request_review(const event& source, fold_transaction& transaction) {
  const auto repository_id = gather_context(source, transaction, true);
  const auto root = root_of(source);
  const auto review = read_review(root.required_object("review"));
  const auto pull_request = read_pull_request(root.required_object("pull_request"), false);
  write_pull_request(pull_request, *repository_id, source, transaction);
  std::optional<std::string> reviewer_login;
  std::optional<std::int64_t> reviewer_id;
  if (review.reviewer) {
    transaction.add_user(*review.reviewer, source);
    reviewer_login = review.reviewer->login;
    reviewer_id = review.reviewer->id;
  }
  transaction.work().exec_prepared(upsert_review, review.id, pull_request.id, *repository_id,
                                   reviewer_login, reviewer_id, review.state, review.submitted_at,
                                   review.commit_id, review_state_rank(review.state),
                                   source.received_at_text, source.delivery_id);
}

}  // namespace tributary::workers
