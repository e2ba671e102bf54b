#pragma once

#include "reconciler/event_repository.hpp"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace tributary::reconciler {

/// The resource "stars": for one repository of the target, its stargazers
/// with starred_at (GET /repos/{owner}/{repo}/stargazers, media type
/// application/vnd.github.star+json). GitHub lists them oldest first, so new stars are on the last
/// page: the watermark "stargazers:<owner>/<repo>" keeps the last page the previous walk read and
/// how many stars it held, and the walk starts there (or at the next page when it was full),
/// conditionally: a 304 means no star was added, and costs nothing. A first walk reads every page.
/// Each listed star github.stars lacks (or holds unstarred, or with another starred_at) is
/// published as a synthetic `star` event with action `created` and starred_at.
void reconcile_stargazers(target_context& context, const known_repository& repository);

/// The star event for the REST stargazer `stargazer` ({starred_at, user}) of `repository` (an
/// abridged repository object with id): {"action":"created","starred_at":…,"repository":…,
/// "sender":<user>}; delivery id "reconciler:star:<repository id>:<user id>:<starred_at>".
/// Throws api_error when the stargazer lacks its user or starred_at. Pure.
synthetic_event star_event(const rapidjson::Value& repository, const rapidjson::Value& stargazer);

}  // namespace tributary::reconciler
