#include "reconciler/history.hpp"

#include "reconciler/default_branch_commits.hpp"
#include "reconciler/event_repository.hpp"
#include "reconciler/releases.hpp"
#include "reconciler/rest_json.hpp"
#include "reconciler/stargazers.hpp"
#include "reconciler/teams.hpp"

namespace tributary::reconciler {

void reconcile_history(target_context& context, const std::vector<std::string>& repositories) {
  for (const char* resource : {"commits", "stars", "releases"}) context.record.gaps.try_emplace(resource, 0);
  if (context.target.is_organization()) context.record.gaps.try_emplace("teams", 0);
  // The organisation as events carry it ({login, id}): the owner of its repositories.
  rapidjson::Document organization;
  for (const auto& full_name : repositories) {
    const known_repository* found = nullptr;
    try {
      found = &context.repositories.of(context, full_name);
    } catch (const api_error& error) {
      // Gone between the listing and now: reconcile_repositories has said so already.
      if (error.status != 404 || !context.target.is_organization()) throw;
      continue;
    }
    const auto& repository = *found;
    if (organization.IsNull())
      if (const auto* owner = member_of(repository.object, "owner");
          owner && string_of(*owner, "login") == context.target.owner)
        organization.CopyFrom(*owner, organization.GetAllocator());
    reconcile_default_branch_commits(context, repository);
    reconcile_stargazers(context, repository);
    reconcile_releases(context, repository);
  }
  // An organisation without a repository: its id comes from GET /orgs/{org}.
  if (context.target.is_organization() && organization.IsNull()) {
    auto request = api_get("/orgs/" + context.target.owner);
    request.conditional = false;
    const auto found = github_client::parse_json(context.client.send(request));
    organization.SetObject();
    auto& allocator = organization.GetAllocator();
    organization.AddMember("login", rapidjson::Value(context.target.owner.c_str(), allocator), allocator);
    organization.AddMember("id", rapidjson::Value(found["id"].GetInt64()), allocator);
  }
  if (context.target.is_organization()) reconcile_teams(context, organization);
}

}  // namespace tributary::reconciler
