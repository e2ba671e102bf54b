#pragma once

#include <cstdint>
#include "tests/reconciler/github_world.hpp"

#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::testing {

/// A repository the fake knows, with how many of each listed entity it has.
struct fake_repository {
  std::string owner;
  std::string name;
  int pulls = 0;
  int commits = 0;
  int stargazers = 0;
};

/// One delivery of a hook, as GET …/hooks/{id}/deliveries lists it.
struct fake_delivery {
  std::int64_t id = 0;
  std::string guid;
  int status_code = 200;  // 200: delivered; anything else: failed
  std::string event = "push";
};

/// What GET answers with: one object, or a list the server pages (`page`/`per_page`, or a cursor
/// for hook deliveries) whose items are built on demand.
struct fake_resource {
  std::string object;  // compact JSON when not a list
  bool list = false;
  bool cursor_paged = false;
  std::size_t count = 0;
  std::function<std::string(std::size_t index)> item;   // index 0 is the first item served
  std::function<std::int64_t(std::size_t index)> cursor_of;  // for cursor_paged lists
};

/// The organisations, repositories and hooks the fake serves, and how each of GitHub's objects is
/// built for them: from the examples of GitHub's OpenAPI description, with the identifying fields
/// (ids, names, numbers, shas, logins, dates) set per entity. Not thread-safe: fake_github holds
/// it under its lock.
class fake_github_content {
 public:
  void add_organization(const std::string& login) { organizations_.insert(login); }
  void add_repository(fake_repository repository);  // replaces one of the same name
  /// An organisation's hook; org "" and hook_id 0 is the App's own hook (GET /app/hook/deliveries).
  void add_hook(const std::string& org, std::int64_t hook_id, std::vector<fake_delivery> newest_first);

  /// Serves `world` (world_rest.hpp) before anything added otherwise; null serves none.
  void set_world(std::shared_ptr<const github_world> world) { world_ = std::move(world); }

  /// The resource at `path` (no query, no base path) with the query's parameters, in the media
  /// type `accept`; nothing for 404.
  std::optional<fake_resource> find(std::string_view path, const std::map<std::string, std::string>& query,
                                    std::string_view accept) const;

  /// Whether `path` names a delivery of a known hook (for POST …/attempts).
  bool has_delivery(std::string_view org, std::int64_t hook_id, std::int64_t delivery_id) const;

  /// The sha of commit `index` (0 newest) of a repository, and its line counts: deterministic.
  static std::string commit_sha(const std::string& full_name, std::size_t index);
  static int commit_additions(std::string_view sha);
  static int commit_deletions(std::string_view sha);

 private:
  const fake_repository* repository(std::string_view owner, std::string_view name) const;
  std::set<std::string, std::less<>> organizations_;
  std::vector<fake_repository> repositories_;
  std::map<std::pair<std::string, std::int64_t>, std::vector<fake_delivery>> hooks_;
  std::shared_ptr<const github_world> world_;
};

}  // namespace tributary::testing
