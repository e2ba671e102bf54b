#pragma once

#include "reconciler/target_context.hpp"

#include <string>
#include <vector>

namespace tributary::reconciler {

/// The history resources of one target, after reconcile_repositories: for each of `repositories`
/// (full names), its default-branch commits, stargazers and releases
/// (default_branch_commits.hpp, stargazers.hpp, releases.hpp); for an organisation, its teams
/// and their members (teams.hpp). Each repository is looked up once (event_repositories). The run
/// row shows the resources "commits", "stars", "releases" and, for an organisation, "teams".
void reconcile_history(target_context& context, const std::vector<std::string>& repositories);

}  // namespace tributary::reconciler
