// Pull requests with their reviews, and issues, as GitHub's REST API answers them about a world.
#include "tests/reconciler/world_rest.hpp"

#include "tests/reconciler/openapi_examples.hpp"
#include "tests/reconciler/world_json.hpp"

#include <algorithm>
#include <charconv>

namespace tributary::testing {
namespace {

/// The issue id GitHub gives pull request `pull` in the issues list (its own id space).
std::int64_t issue_id_of(const world_pull& pull) { return pull.id + 10'000'000; }

std::string value_of(const query_parameters& query, const std::string& name, std::string fallback) {
  const auto found = query.find(name);
  return found == query.end() ? fallback : found->second;
}

/// The order and filter a list query asks for, with GitHub's documented defaults: state `open`,
/// sort `created`; direction `desc` for `created`, else `asc` for pulls and `desc` for issues.
struct list_query {
  std::string state;
  bool by_updated = false;
  bool descending = true;
};

list_query read_list_query(const query_parameters& query, bool issues) {
  list_query wanted;
  wanted.state = value_of(query, "state", "open");
  const auto sort = value_of(query, "sort", "created");
  wanted.by_updated = sort == "updated";
  const auto default_direction = issues || sort == "created" ? "desc" : "asc";
  wanted.descending = value_of(query, "direction", default_direction) == "desc";
  return wanted;
}

bool state_matches(const std::string& wanted, const std::optional<world_time>& closed_at) {
  return wanted == "all" || wanted == (closed_at ? "closed" : "open");
}

void set_pull_fields(rapidjson::Value& object, const github_world& world,
                     const world_repository& repository, const world_pull& pull,
                     json_allocator& allocator) {
  const auto full_name = world.full_name(repository);
  const auto path = "https://api.github.com/repos/" + full_name + "/pulls/" + std::to_string(pull.number);
  set_field(object, "id", pull.id, allocator);
  set_field(object, "node_id", "PR_" + std::to_string(pull.id), allocator);
  set_field(object, "number", pull.number, allocator);
  set_field(object, "url", path, allocator);
  set_field(object, "html_url", "https://github.com/" + full_name + "/pull/" + std::to_string(pull.number),
            allocator);
  set_field(object, "title", pull.title, allocator);
  set_field(object, "state", pull.closed_at ? "closed" : "open", allocator);
  make_user(object["user"], world.user(pull.author_login), allocator);
  set_time(object, "created_at", pull.created_at, allocator);
  set_time(object, "updated_at", pull.updated_at, allocator);
  set_time(object, "closed_at", pull.closed_at, allocator);
  set_time(object, "merged_at", pull.merged_at, allocator);
  set_bool(object, "draft", false, allocator);
  // Head and base are branches of the repository itself (no forks in a world).
  for (const char* side : {"head", "base"}) {
    if (!object.HasMember(side) || !object[side].IsObject()) continue;
    auto& branch = object[side];
    if (branch.HasMember("repo") && branch["repo"].IsObject())
      make_repository(branch["repo"], world, repository, world.now, allocator);
    if (branch.HasMember("user") && branch["user"].IsObject())
      make_organization_owner(branch["user"], world, allocator);
  }
  set_field(object["head"], "sha", pull.head_sha, allocator);
  set_field(object["base"], "ref", repository.default_branch, allocator);
}

/// GET /repos/{owner}/{repo}/pulls (pull-request-simple) and …/pulls/{number} (pull-request).
std::string pull_object(const github_world& world, const world_repository& repository,
                        const world_pull& pull, bool full) {
  rapidjson::Document document;
  auto& allocator = document.GetAllocator();
  auto object = openapi_examples::get().object(full ? "pull-request" : "pull-request-simple-items", allocator);
  set_pull_fields(object, world, repository, pull, allocator);
  if (full) {
    set_bool(object, "merged", pull.merged_at.has_value(), allocator);
    if (pull.merged_at) make_user(object["merged_by"], world.user(pull.merged_by_login), allocator);
    else set_null(object, "merged_by", allocator);
    set_field(object, "additions", pull.additions, allocator);
    set_field(object, "deletions", pull.deletions, allocator);
    set_field(object, "changed_files", pull.changed_files, allocator);
    set_field(object, "commits", pull.commits, allocator);
    if (pull.closed_at) set_null(object, "mergeable", allocator);
  }
  return compact_json(object);
}

std::string review_object(const github_world& world, const world_repository& repository,
                          const world_pull& pull, const world_review& review) {
  rapidjson::Document document;
  auto& allocator = document.GetAllocator();
  auto object = openapi_examples::get().object("pull-request-review-items", allocator);
  const auto full_name = world.full_name(repository);
  set_field(object, "id", review.id, allocator);
  set_field(object, "node_id", "PRR_" + std::to_string(review.id), allocator);
  make_user(object["user"], world.user(review.reviewer_login), allocator);
  set_field(object, "state", review.state, allocator);
  set_time(object, "submitted_at", review.submitted_at, allocator);
  set_field(object, "commit_id", pull.head_sha, allocator);
  set_field(object, "pull_request_url",
            "https://api.github.com/repos/" + full_name + "/pulls/" + std::to_string(pull.number), allocator);
  return compact_json(object);
}

/// An entry of GET /repos/{owner}/{repo}/issues: an issue, or a pull request (which GitHub lists
/// among issues, marked by a `pull_request` member).
struct issue_entry {
  const world_issue* issue = nullptr;
  const world_pull* pull = nullptr;
  world_time created_at() const { return issue ? issue->created_at : pull->created_at; }
  world_time updated_at() const { return issue ? issue->updated_at : pull->updated_at; }
  std::optional<world_time> closed_at() const { return issue ? issue->closed_at : pull->closed_at; }
  std::int64_t id() const { return issue ? issue->id : issue_id_of(*pull); }
};

std::string issue_object(const github_world& world, const world_repository& repository,
                         const issue_entry& entry) {
  rapidjson::Document document;
  auto& allocator = document.GetAllocator();
  auto object = openapi_examples::get().object("issue-items", allocator);
  const auto full_name = world.full_name(repository);
  const auto number = entry.issue ? entry.issue->number : entry.pull->number;
  set_field(object, "id", entry.id(), allocator);
  set_field(object, "node_id", "I_" + std::to_string(entry.id()), allocator);
  set_field(object, "number", number, allocator);
  set_field(object, "url", "https://api.github.com/repos/" + full_name + "/issues/" + std::to_string(number),
            allocator);
  set_field(object, "repository_url", "https://api.github.com/repos/" + full_name, allocator);
  set_field(object, "title", entry.issue ? entry.issue->title : entry.pull->title, allocator);
  set_field(object, "state", entry.closed_at() ? "closed" : "open", allocator);
  if (entry.closed_at()) set_field(object, "state_reason", "completed", allocator);
  else set_null(object, "state_reason", allocator);
  make_user(object["user"], world.user(entry.issue ? entry.issue->author_login : entry.pull->author_login),
            allocator);
  set_time(object, "created_at", entry.created_at(), allocator);
  set_time(object, "updated_at", entry.updated_at(), allocator);
  set_time(object, "closed_at", entry.closed_at(), allocator);
  set_null(object, "closed_by", allocator);
  auto& assignees = object["assignees"];
  assignees.SetArray();
  if (entry.issue) {
    for (const auto& login : entry.issue->assignee_logins) {
      rapidjson::Value user(rapidjson::kObjectType);
      make_user(user, world.user(login), allocator);
      assignees.PushBack(user, allocator);
    }
  }
  if (assignees.Empty()) set_null(object, "assignee", allocator);
  else object["assignee"].CopyFrom(assignees[0], allocator);
  if (entry.issue) {
    object.RemoveMember("pull_request");
  } else {
    auto& marker = object["pull_request"];
    set_field(marker, "url", "https://api.github.com/repos/" + full_name + "/pulls/" + std::to_string(number),
              allocator);
    set_field(marker, "html_url", "https://github.com/" + full_name + "/pull/" + std::to_string(number), allocator);
    set_time(marker, "merged_at", entry.pull->merged_at, allocator);
  }
  return compact_json(object);
}

/// Sorts `items` as `wanted` asks, by created_at or updated_at (ties: the higher id first when
/// descending, so the order is fixed).
template <typename item, typename created_of, typename updated_of, typename id_of>
void sort_as_asked(std::vector<item>& items, const list_query& wanted, created_of created,
                   updated_of updated, id_of id) {
  std::sort(items.begin(), items.end(), [&](const item& a, const item& b) {
    const auto key_a = std::make_pair(wanted.by_updated ? updated(a) : created(a), id(a));
    const auto key_b = std::make_pair(wanted.by_updated ? updated(b) : created(b), id(b));
    return wanted.descending ? key_b < key_a : key_a < key_b;
  });
}

std::optional<int> number_of(std::string_view text) {
  int number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

const world_pull* find_pull(const world_repository& repository, std::string_view number_text) {
  const auto number = number_of(number_text);
  if (!number) return nullptr;
  for (const auto& pull : repository.pulls)
    if (pull.number == *number) return &pull;
  return nullptr;
}

std::optional<fake_resource> pulls_list(const github_world& world, const world_repository& repository,
                                        const query_parameters& query) {
  const auto wanted = read_list_query(query, false);
  std::vector<const world_pull*> pulls;
  for (const auto& pull : repository.pulls)
    if (state_matches(wanted.state, pull.closed_at)) pulls.push_back(&pull);
  sort_as_asked(
      pulls, wanted, [](const world_pull* p) { return p->created_at; },
      [](const world_pull* p) { return p->updated_at; }, [](const world_pull* p) { return p->id; });
  fake_resource resource;
  resource.list = true;
  resource.count = pulls.size();
  resource.item = [&world, &repository, pulls](std::size_t index) {
    return pull_object(world, repository, *pulls[index], false);
  };
  return resource;
}

std::optional<fake_resource> issues_list(const github_world& world, const world_repository& repository,
                                         const query_parameters& query) {
  const auto wanted = read_list_query(query, true);
  std::vector<issue_entry> entries;
  for (const auto& issue : repository.issues)
    if (state_matches(wanted.state, issue.closed_at)) entries.push_back({&issue, nullptr});
  for (const auto& pull : repository.pulls)
    if (state_matches(wanted.state, pull.closed_at)) entries.push_back({nullptr, &pull});
  sort_as_asked(
      entries, wanted, [](const issue_entry& e) { return e.created_at(); },
      [](const issue_entry& e) { return e.updated_at(); }, [](const issue_entry& e) { return e.id(); });
  fake_resource resource;
  resource.list = true;
  resource.count = entries.size();
  resource.item = [&world, &repository, entries](std::size_t index) {
    return issue_object(world, repository, entries[index]);
  };
  return resource;
}

}  // namespace

std::optional<fake_resource> find_tracker_resource(const github_world& world,
                                                   const world_repository* repository,
                                                   const std::vector<std::string_view>& segments,
                                                   const query_parameters& query, std::string_view) {
  if (repository == nullptr || segments.size() < 4) return std::nullopt;
  const auto& kind = segments[3];
  if (kind == "issues" && segments.size() == 4) return issues_list(world, *repository, query);
  if (kind != "pulls") return std::nullopt;
  if (segments.size() == 4) return pulls_list(world, *repository, query);
  const auto* pull = find_pull(*repository, segments[4]);
  if (pull == nullptr) return std::nullopt;
  fake_resource resource;
  if (segments.size() == 5) {
    resource.object = pull_object(world, *repository, *pull, true);
    return resource;
  }
  if (segments.size() == 6 && segments[5] == "reviews") {
    // GitHub lists a pull request's reviews in chronological order.
    resource.list = true;
    resource.count = pull->reviews.size();
    resource.item = [&world, repository, pull](std::size_t index) {
      return review_object(world, *repository, *pull, pull->reviews[index]);
    };
    return resource;
  }
  return std::nullopt;
}

}  // namespace tributary::testing
