#pragma once

#include "reconciler/synthetic_event.hpp"
#include "reconciler/target_context.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tributary::reconciler {

/// What github.repositories knows of a repository, enough for a `repository deleted` event.
struct stored_repository {
  std::int64_t id = 0;
  std::string full_name;
  std::string name;
  std::optional<std::string> owner_login;
  std::optional<std::int64_t> owner_id;
};

/// The webhook-shaped `repository` event with action "deleted" for `repository`, built from what
/// the database knows (GitHub's REST API has nothing left to read):
/// {"action":"deleted","repository":{"id","name","full_name","owner"?:{"login","id"}}}, delivery
/// id "reconciler:repository-deleted:<id>". The worker's fold marks the row deleted. Pure.
synthetic_event repository_deleted_event(const stored_repository& repository);

/// The organisation target's repositories as its last listing had them (github.reconcile_watermarks,
/// resources "repository_list:<page>"): read before the listing of this run replaces them.
std::set<std::string> listed_before(target_context& context);

/// For an organisation target: each repository `before` held that `now` does not, that
/// github.repositories knows and does not mark deleted, and that GET /repos/{owner}/{repo} answers
/// 404 (a renamed or transferred one answers a redirect, followed, and is left alone): a gap of
/// resource "repository", and a `repository deleted` event. Only what an earlier listing showed
/// is considered, so a repository the credentials never saw (private, no access) is never reported
/// deleted.
void report_deleted_repositories(target_context& context, const std::set<std::string>& before,
                                 const std::vector<std::string>& now);

}  // namespace tributary::reconciler
