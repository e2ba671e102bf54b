#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <string>

namespace tributary::reconciler {

/// The resource "teams", for an organisation target only: GET /orgs/{org}/teams and, for each
/// team, GET /orgs/{org}/teams/{team_slug}/members, every page read (neither list has an order of
/// newness), the first page conditionally (walk_to_watermark without a key): a 304 means the list
/// is unchanged. The teams of the last complete listing are kept in github.reconcile_watermarks
/// ("team_list:<org>"), since a 304 repeats no body and the members of each team are still asked.
/// A team github.teams lacks or holds otherwise (slug, name, privacy, permission, parent) is
/// published as a synthetic `team` event; a listed member github.team_members lacks or holds
/// inactive, as a `membership` event with action `added`. The gaps are recorded with the
/// organisation's login in place of a repository. `organization` is {login, id} (the owner of
/// the target's repositories).
void reconcile_teams(target_context& context, const rapidjson::Value& organization);

/// The team event for the REST team `team` of the organisation {login, id} `organization`:
/// {"action": `action`,"team":…,"organization":…}; delivery id
/// "reconciler:team:<id>:<hash of slug, name, privacy, permission and parent id>". Pure.
synthetic_event team_event(const rapidjson::Value& organization, const rapidjson::Value& team,
                           const std::string& action);

/// The membership event for the REST user `member` of `team`:
/// {"action":"added","scope":"team","member":…,"team":…,"organization":…}; delivery id
/// "reconciler:membership:<team id>:<user id>:added". Pure.
synthetic_event membership_event(const rapidjson::Value& organization, const rapidjson::Value& team,
                                 const rapidjson::Value& member);

}  // namespace tributary::reconciler
