#include "workers/folds/fold.hpp"

#include "workers/fold_error.hpp"
#include "workers/folds/deployment.hpp"
#include "workers/folds/installation.hpp"
#include "workers/folds/issues.hpp"
#include "workers/folds/pull_request.hpp"
#include "workers/folds/pull_request_review.hpp"
#include "workers/folds/push.hpp"
#include "workers/folds/refs.hpp"
#include "workers/folds/release.hpp"
#include "workers/folds/repository.hpp"
#include "workers/folds/stars.hpp"
#include "workers/folds/teams.hpp"
#include "workers/folds/workflow_run.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace tributary::workers {
namespace {

using fold_function = void (*)(const event&, fold_transaction&);

constexpr std::array<std::pair<std::string_view, fold_function>, 20> folds{{
    {"push", fold_push},
    {"pull_request", fold_pull_request},
    {"pull_request_review", fold_pull_request_review},
    {"issues", fold_issues},
    {"star", fold_star},
    {"watch", fold_star},
    {"create", fold_ref},
    {"delete", fold_ref},
    {"release", fold_release},
    {"workflow_run", fold_workflow_run},
    {"deployment", fold_deployment},
    {"deployment_status", fold_deployment_status},
    {"member", fold_member},
    {"membership", fold_membership},
    {"team", fold_team},
    {"team_add", fold_team},
    {"repository", fold_repository},
    {"installation", fold_installation},
    {"installation_repositories", fold_installation},
    {"ping", fold_ping},
}};

constexpr auto names = [] {
  std::array<std::string_view, folds.size()> result{};
  for (std::size_t i = 0; i < folds.size(); ++i) result[i] = folds[i].first;
  return result;
}();

fold_function find_fold(std::string_view event_name) {
  const auto found = std::find_if(folds.begin(), folds.end(),
                                  [&](const auto& entry) { return entry.first == event_name; });
  return found == folds.end() ? nullptr : found->second;
}

}  // namespace

bool is_folded(std::string_view event_name) { return find_fold(event_name) != nullptr; }

std::span<const std::string_view> folded_event_names() { return names; }

void fold(const event& source, fold_transaction& transaction) {
  const auto function = find_fold(source.name);
  if (!function) throw fold_error("event '" + source.name + "' has no fold");
  function(source, transaction);
}

void prepare_fold_statements(pqxx::connection& connection, std::string_view schema) {
  {
    pqxx::nontransaction setup(connection);
    setup.exec("SET search_path = " + setup.quote_name(std::string(schema)));
  }
  fold_transaction::prepare(connection);
  prepare_push(connection);
  prepare_pull_request(connection);
  prepare_pull_request_review(connection);
  prepare_issues(connection);
  prepare_stars(connection);
  prepare_refs(connection);
  prepare_release(connection);
  prepare_workflow_run(connection);
  prepare_deployment(connection);
  prepare_teams(connection);
  prepare_installation(connection);
}

}  // namespace tributary::workers
