#include "tests/reconciler/world_webhooks.hpp"

#include "tests/harness/payload_edit.hpp"
#include "tests/reconciler/world_json.hpp"

namespace tributary::testing {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

/// Builds the deliveries of one world: each from an example of @octokit/webhooks-examples with
/// the world's fields set, received a few seconds after its change, with ids of its own (the
/// second group "4157" keeps them apart from tracker_deliveries'). One thread.
class history_builder {
 public:
  explicit history_builder(const github_world& world) : world_(world) {}

  void add_push(const world_repository& repository, const world_push& push);
  void add_star(const world_repository& repository, const world_star& star);
  void add_release(const world_repository& repository, const world_release& release);
  void add_team(const world_team& team);

  std::vector<delivery> take() { return std::move(deliveries_); }

 private:
  rapidjson::Document example(const std::string& event, const std::string& action) const {
    return book_.take(event, action);
  }
  void set_repository(rapidjson::Document& payload, const world_repository& repository, world_time at) {
    make_repository(at_path(payload, "repository"), world_, repository, at, payload.GetAllocator());
  }
  void set_organization(rapidjson::Document& payload) {
    auto& organization = at_path(payload, "organization");
    set_field(organization, "login", world_.organization, payload.GetAllocator());
    set_field(organization, "id", world_.organization_id, payload.GetAllocator());
    set_field(organization, "url", "https://api.github.com/orgs/" + world_.organization,
              payload.GetAllocator());
  }
  static rapidjson::Value& at_path(rapidjson::Document& payload, const std::string& path) {
    return at(payload, path);
  }
  void emit(const std::string& event, world_time changed_at, rapidjson::Document& payload) {
    delivery item;
    item.event = event;
    item.delivery_id = "00000000-4157-4000-8000-" + std::to_string(100000000000 + deliveries_.size());
    item.received_at = github_time(changed_at + seconds(3)).substr(0, 19) + ".000Z";
    item.payload = json_of(payload);
    deliveries_.push_back(std::move(item));
  }

  const github_world& world_;
  example_book book_;
  std::vector<delivery> deliveries_;
};

void history_builder::add_push(const world_repository& repository, const world_push& push) {
  // The example that pushes commits to a branch (the first ones push tags).
  auto payload = book_.take("push", 4, "");
  auto& allocator = payload.GetAllocator();
  const auto& pusher = world_.user(push.pusher_login);
  const auto full_name = world_.full_name(repository);
  set(payload, "ref", "refs/heads/" + repository.default_branch);
  const auto& first = repository.commits[push.commits.front()];
  const auto before = push.commits.front() == 0 ? std::string(40, '0')
                                                : repository.commits[push.commits.front() - 1].sha;
  const auto& last = repository.commits[push.commits.back()];
  set(payload, "before", before);
  set(payload, "after", last.sha);
  set(payload, "created", push.commits.front() == 0);
  set(payload, "compare", "https://github.com/" + full_name + "/compare/" + first.sha.substr(0, 12) +
                              "..." + last.sha.substr(0, 12));
  rapidjson::Value template_commit(payload["commits"][0], allocator);
  rapidjson::Value commits(rapidjson::kArrayType);
  for (const auto index : push.commits) {
    const auto& commit = repository.commits[index];
    const auto& author = world_.user(commit.author_login);
    rapidjson::Value pushed(template_commit, allocator);
    set_field(pushed, "id", commit.sha, allocator);
    set_field(pushed, "tree_id", commit.sha.substr(20) + commit.sha.substr(0, 20), allocator);
    set_field(pushed, "message", commit.message, allocator);
    set_field(pushed, "timestamp", github_time(commit.authored_at), allocator);
    set_field(pushed, "url", "https://github.com/" + full_name + "/commit/" + commit.sha, allocator);
    for (const char* role : {"author", "committer"}) {
      auto& person = pushed[role];
      set_field(person, "name", author.name, allocator);
      set_field(person, "email", author.email, allocator);
      set_field(person, "username", author.login, allocator);
    }
    commits.PushBack(pushed, allocator);
  }
  payload["head_commit"].CopyFrom(commits[commits.Size() - 1], allocator);
  payload["commits"] = commits;
  set(payload, "pusher.name", pusher.login);
  set(payload, "pusher.email", pusher.email);
  make_user(at(payload, "sender"), pusher, allocator);
  erase(payload, "installation");
  set_organization(payload);
  set_repository(payload, repository, push.pushed_at);
  // A push's repository carries created_at and pushed_at as epoch seconds.
  set(payload, "repository.created_at",
      static_cast<std::int64_t>(repository.created_at.time_since_epoch().count()));
  set(payload, "repository.pushed_at",
      static_cast<std::int64_t>(state_at(repository, push.pushed_at).pushed_at.time_since_epoch().count()));
  emit("push", push.pushed_at, payload);
}

void history_builder::add_star(const world_repository& repository, const world_star& star) {
  auto payload = example("star", "created");
  set(payload, "starred_at", github_time(star.starred_at));
  make_user(at(payload, "sender"), world_.user(star.login), payload.GetAllocator());
  set_organization(payload);
  set_repository(payload, repository, star.starred_at);
  emit("star", star.starred_at, payload);
}

void history_builder::add_release(const world_repository& repository, const world_release& release) {
  auto payload = example("release", "published");
  auto& allocator = payload.GetAllocator();
  const auto& author = world_.user(release.author_login);
  auto& object = payload["release"];
  const auto base = "https://api.github.com/repos/" + world_.full_name(repository) + "/releases/" +
                    std::to_string(release.id);
  set_field(object, "id", release.id, allocator);
  set_field(object, "node_id", "RE_" + std::to_string(release.id), allocator);
  set_field(object, "url", base, allocator);
  set_field(object, "assets_url", base + "/assets", allocator);
  set_field(object, "tag_name", release.tag_name, allocator);
  set_field(object, "target_commitish", repository.default_branch, allocator);
  set_field(object, "name", release.name, allocator);
  set_bool(object, "draft", false, allocator);
  set_bool(object, "prerelease", false, allocator);
  set_time(object, "created_at", release.created_at, allocator);
  set_time(object, "published_at", release.published_at, allocator);
  make_user(object["author"], author, allocator);
  make_user(at(payload, "sender"), author, allocator);
  set_organization(payload);
  set_repository(payload, repository, release.published_at);
  emit("release", release.published_at, payload);
}

void history_builder::add_team(const world_team& team) {
  // Organisation events: no repository (the examples' team `created` has none either).
  const auto& founder = world_.user(team.member_logins.empty() ? world_.users.front().login
                                                               : team.member_logins.front());
  auto created = example("team", "created");
  make_team(created["team"], world_, team, created.GetAllocator());
  make_user(at(created, "sender"), founder, created.GetAllocator());
  erase(created, "installation");
  erase(created, "repository");
  set_organization(created);
  emit("team", team.created_at, created);
  for (std::size_t index = 0; index < team.member_logins.size(); ++index) {
    auto added = example("membership", "added");
    make_team(added["team"], world_, team, added.GetAllocator());
    make_user(added["member"], world_.user(team.member_logins[index]), added.GetAllocator());
    make_user(at(added, "sender"), founder, added.GetAllocator());
    set(added, "scope", "team");
    set_organization(added);
    emit("membership", team.created_at + minutes(static_cast<int>(index) + 1), added);
  }
}

}  // namespace

std::vector<delivery> history_deliveries(const github_world& world) {
  history_builder builder(world);
  for (const auto& repository : world.repositories) {
    for (const auto& push : repository.pushes) builder.add_push(repository, push);
    for (const auto& star : repository.stars) builder.add_star(repository, star);
    for (const auto& release : repository.releases) builder.add_release(repository, release);
  }
  for (const auto& team : world.teams) builder.add_team(team);
  return builder.take();
}

}  // namespace tributary::testing
