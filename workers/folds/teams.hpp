#pragma once

#include "workers/folds/entities.hpp"

namespace tributary::workers {

/// member: a repository's collaborators (added, edited, removed), ordered by the repository
/// snapshot's time (the later of updated_at and pushed_at).
void fold_member(const event& source, fold_transaction& transaction);
/// membership: a team's members (added, removed), ordered by received-at (GitHub sends no time).
void fold_membership(const event& source, fold_transaction& transaction);
/// team and team_add: the team itself (team.updated_at where present, else received-at) and the
/// repositories it can reach (as for member).
void fold_team(const event& source, fold_transaction& transaction);
void prepare_teams(pqxx::connection& connection);

}  // namespace tributary::workers
