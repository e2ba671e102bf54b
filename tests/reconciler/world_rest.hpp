#pragma once

#include "tests/reconciler/fake_github_content.hpp"
#include "tests/reconciler/github_world.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::testing {

/// A request's query parameters ("state" → "all").
using query_parameters = std::map<std::string, std::string>;

/// What GitHub's REST API answers about `world` now at `path` (no base path, no query), in the
/// media type `accept`; nothing for a 404. `query` holds the parameters that choose an order or a
/// filter (sort, direction, state, sha, since): each list serves the order GitHub documents for
/// what the query asks (page and per_page are the fake's business, not these functions').
/// Bodies start from the examples of GitHub's OpenAPI description (openapi_examples) with the
/// world's fields set.
std::optional<fake_resource> find_in_world(const github_world& world, std::string_view path,
                                           const query_parameters& query, std::string_view accept);

/// The parts of find_in_world, one file each: organisation and repositories (world_rest.cpp);
/// pull requests with their reviews and issues (world_rest_tracker.cpp); commits, stargazers,
/// releases and teams with their members (world_rest_history.cpp). `segments` is the path split at
/// '/'; `repository` is the repository the path names under /repos/{owner}/{repo}, else null.
std::optional<fake_resource> find_tracker_resource(const github_world& world,
                                                   const world_repository* repository,
                                                   const std::vector<std::string_view>& segments,
                                                   const query_parameters& query, std::string_view accept);
std::optional<fake_resource> find_history_resource(const github_world& world,
                                                   const world_repository* repository,
                                                   const std::vector<std::string_view>& segments,
                                                   const query_parameters& query, std::string_view accept);

}  // namespace tributary::testing
