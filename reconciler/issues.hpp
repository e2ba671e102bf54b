#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace tributary::reconciler {

/// The resource "issues" (with their assignees): for each of `repositories` (full names),
/// GET /repos/{owner}/{repo}/issues?state=all&sort=updated&direction=desc newest-updated first
/// down to the watermark "issues:<owner>/<repo>" (walk_to_watermark). GitHub lists pull requests
/// among issues (marked by a `pull_request` member): they are skipped, the pull_requests resource
/// has them. Each issue updated since is compared with github.issues (number, title, author,
/// state, state_reason, updated_at, closed_at), its assignees with github.issue_assignees, and a
/// closed one with its github.issue_closings row; a missing or stale one is published as an
/// `issues` event.
void reconcile_issues(target_context& context, const std::vector<std::string>& repositories);

/// The action of the event for REST issue `issue`: "closed" when it is closed (so that the
/// worker records the closing with the assignees it carries, as the `closed` webhook does), else
/// "opened" when the database does not know it (`known` false), else "edited". Pure.
std::string issue_action(const rapidjson::Value& issue, bool known);

/// The webhook-shaped event for REST issue `issue` of `repository`:
/// {"action":issue_action,"issue","repository"}, delivery id "reconciler:issue:<id>:<updated_at>".
/// The worker's issues fold takes the state, assignees and closing from `issue`. Pure.
synthetic_event issue_event(const rapidjson::Value& repository, const rapidjson::Value& issue,
                            bool known);

}  // namespace tributary::reconciler
