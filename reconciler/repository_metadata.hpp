#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace tributary::reconciler {

/// The resource "repository": for each repository of the target (an organisation's are listed by
/// GET /orgs/{org}/repos), GET /repos/{owner}/{repo} conditionally; when github.repositories lacks
/// it or holds other values (stargazers_count, forks_count, open_issues_count, default_branch,
/// archived, updated_at), publishes a synthetic `repository` event (action "edited": the worker's
/// fold upserts the repository for every action but "deleted"). A 304 means nothing changed since
/// the last comparison, and publishes nothing. For an organisation, a repository its last listing
/// had, this one lacks, and GitHub answers 404 for is reported deleted (repository_deletions.hpp).
/// Returns the target's repositories' full names.
std::vector<std::string> reconcile_repositories(target_context& context);

/// The webhook-shaped event for the REST repository object `repository`:
/// {"action":"edited","repository":…,"organization"?:…}, delivery id
/// "reconciler:repository:<id>:<updated_at>:<stargazers>:<forks>:<open issues>". Pure.
synthetic_event repository_event(const rapidjson::Value& repository);

}  // namespace tributary::reconciler
