#pragma once

#include "reconciler/event_repository.hpp"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace tributary::reconciler {

/// The resource "commits": for one repository of the target, the commits of
/// its default branch, GET /repos/{owner}/{repo}/commits (GitHub's default `sha` is the default
/// branch; newest first) walked down to the watermark "commits:<owner>/<repo>" (the newest sha of
/// the last complete walk; walk_to_watermark). Each listed commit github.commits lacks is
/// published as a synthetic `push` carrying it, which the worker's push fold inserts (a commit
/// never changes: one the worker holds is current); its line counts come from the resource
/// "commit_stats" at the next run, as for a webhook's push.
void reconcile_default_branch_commits(target_context& context, const known_repository& repository);

/// A push event carrying the one REST commit `commit` (sha, commit.author {name, email, date},
/// commit.message, author.login: a commit list item or a single commit) of `repository` (an
/// abridged repository object with id): one commit {id, timestamp, message, author {name, email,
/// username}}, as a webhook's push carries it; delivery id "reconciler:<kind>:<repository
/// id>:<sha>". Throws api_error when the commit lacks its sha, author or date. Pure.
synthetic_event push_of_one_commit(const rapidjson::Value& repository, const rapidjson::Value& commit,
                                   const std::string& kind);

/// The resource "commits"' push for a listed commit: push_of_one_commit of kind "push". Pure.
synthetic_event default_branch_commit_event(const rapidjson::Value& repository,
                                            const rapidjson::Value& commit);

}  // namespace tributary::reconciler
