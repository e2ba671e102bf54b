#pragma once

#include "reconciler/event_repository.hpp"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace tributary::reconciler {

/// The resource "releases": for one repository of the target,
/// GET /repos/{owner}/{repo}/releases (newest first) walked down to the watermark
/// "releases:<owner>/<repo>" (the newest release id of the last complete walk). Each listed
/// release github.releases lacks, or holds deleted or with another tag_name, name, draft,
/// prerelease, author, created_at or published_at, is published as a synthetic `release` event.
void reconcile_releases(target_context& context, const known_repository& repository);

/// The release event for the REST release `release` of `repository` (an abridged repository
/// object with id): {"action":"published" (or "created" for a draft, which is not published),
/// "release":<the REST object>,"repository":…,"sender"?:<its author>}; delivery id
/// "reconciler:release:<id>:<updated_at, else published_at, else created_at>". Throws api_error
/// when the release lacks its id or tag_name. Pure.
synthetic_event release_event(const rapidjson::Value& repository, const rapidjson::Value& release);

}  // namespace tributary::reconciler
