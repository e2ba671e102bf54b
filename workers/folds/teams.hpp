#pragma once

#include "workers/folds/entities.hpp"

namespace tributary::workers {

/// member: a repository's collaborators (added, edited, removed).
void fold_member(const event& source, fold_transaction& transaction);
/// membership: a team's members (added, removed).
void fold_membership(const event& source, fold_transaction& transaction);
/// team and team_add: the team itself and the repositories it can reach.
void fold_team(const event& source, fold_transaction& transaction);
void prepare_teams(pqxx::connection& connection);

}  // namespace tributary::workers
