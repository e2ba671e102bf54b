#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace tributary::reconciler {

/// The resource "commit_stats": commits of `repositories` in github.commits whose additions are
/// NULL (push webhooks never carry line counts), newest first, at most config.commit_budget of
/// them: GET /repos/{owner}/{repo}/commits/{sha} (not conditional: a commit never changes) and a
/// synthetic `push` carrying that commit with REST's `stats`, which the worker folds into
/// additions and deletions. What the budget leaves waits for the next run; returns how many
/// commits still lack line counts after this run's requests (0: done).
std::int64_t reconcile_commit_line_counts(target_context& context,
                                          const std::vector<std::string>& repositories);

/// The push event for the REST commit `commit` of the repository `repository` (an object with
/// id, full_name, name, owner as github.repositories knows them): one commit with id, timestamp,
/// message, author {name, email, username} and stats {additions, deletions, total}; delivery id
/// "reconciler:commit:<repository id>:<sha>". Throws api_error when the commit lacks them.
synthetic_event commit_event(const rapidjson::Value& repository, const rapidjson::Value& commit);

}  // namespace tributary::reconciler
