#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace tributary::reconciler {

/// The resource "pull_requests" (with "reviews"): for each of `repositories` (full names),
/// GET /repos/{owner}/{repo}/pulls?state=all&sort=updated&direction=desc newest-updated first
/// down to the watermark "pulls:<owner>/<repo>" (walk_to_watermark). Each pull request updated
/// since is compared with github.pull_requests (number, title, author, state, updated_at,
/// closed_at, merged_at, and sizes known); a missing or stale one is read in full
/// (GET …/pulls/{number}, which alone carries additions, deletions, changed_files, merged) and
/// published as a `pull_request` event. Its reviews are compared too (reconcile_reviews).
void reconcile_pull_requests(target_context& context, const std::vector<std::string>& repositories);

/// The webhook-shaped event for the full REST pull request `pull_request` of `repository`:
/// {"action":"closed" when closed, else "opened","number","pull_request","repository"}, delivery
/// id "reconciler:pull_request:<id>:<updated_at>". The worker's pull_request fold writes the
/// summary and the sizes from it, as from GitHub's own webhook. Pure.
synthetic_event pull_request_event(const rapidjson::Value& repository,
                                   const rapidjson::Value& pull_request);

}  // namespace tributary::reconciler
