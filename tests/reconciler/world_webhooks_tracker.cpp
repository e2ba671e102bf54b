// The webhooks of a world's pull requests, reviews and issues, as an organisation hook receives
// them: pull_request opened and closed, pull_request_review submitted, issues opened, assigned
// (one delivery per assignee) and closed.
#include "tests/reconciler/world_webhooks.hpp"

#include "tests/harness/payload_edit.hpp"
#include "tests/reconciler/world_json.hpp"

#include <algorithm>
#include <cctype>

namespace tributary::testing {
namespace {

using rapidjson::Document;
using rapidjson::Value;
using std::chrono::seconds;

/// Builds the deliveries of one world; each `add` gives the payload the moment's repository.
class tracker_builder {
 public:
  explicit tracker_builder(const github_world& world) : world_(world) {}

  Document take(const std::string& event, const std::string& action) {
    return book_.take(event, action);
  }

  /// A user object for `login` in `document`.
  Value user(Document& document, const std::string& login) {
    Value object(rapidjson::kObjectType);
    make_user(object, world_.user(login), document.GetAllocator());
    return object;
  }

  /// Records `document` as delivered `delay` after `at` (the change's time), from `sender`.
  void add(const std::string& event, Document& document, const world_repository& repository,
           world_time at, const std::string& sender, const std::string& delivery_id,
           seconds delay = seconds(3)) {
    auto& allocator = document.GetAllocator();
    make_repository(at_value(document, "repository"), world_, repository, at, allocator);
    make_organization_owner(at_value(document, "organization"), world_, allocator);
    set_value(document, "sender", user(document, sender));
    erase(document, "installation");
    delivery item;
    item.event = event;
    item.delivery_id = delivery_id;
    item.received_at = github_time(at + delay).substr(0, 19) + ".000Z";
    item.payload = json_of(document);
    deliveries_.push_back(std::move(item));
  }

  std::vector<delivery> take_deliveries() { return std::move(deliveries_); }

 private:
  static Value& at_value(Document& document, const char* name) {
    auto& value = at(document, name);
    if (!value.IsObject()) value.SetObject();
    return value;
  }

  const github_world& world_;
  example_book book_;
  std::vector<delivery> deliveries_;
};

/// The pull request as it was at `at` (before its closing, unless `at` is the closing).
void set_pull(tracker_builder& builder, Document& document, const world_pull& pull, world_time when,
              bool with_detail) {
  const bool closed = pull.closed_at && *pull.closed_at <= when;
  set(document, "pull_request.id", pull.id);
  set(document, "pull_request.number", pull.number);
  set(document, "pull_request.title", pull.title);
  set_value(document, "pull_request.user", builder.user(document, pull.author_login));
  set(document, "pull_request.state", closed ? "closed" : "open");
  set(document, "pull_request.created_at", github_time(pull.created_at));
  set(document, "pull_request.updated_at", github_time(when));
  if (closed) set(document, "pull_request.closed_at", github_time(*pull.closed_at));
  else set_null(document, "pull_request.closed_at");
  if (closed && pull.merged_at) set(document, "pull_request.merged_at", github_time(*pull.merged_at));
  else set_null(document, "pull_request.merged_at");
  set(document, "pull_request.draft", false);
  set(document, "pull_request.head.sha", pull.head_sha);
  if (!with_detail) return;
  const bool merged = closed && pull.merged_at;
  set(document, "pull_request.merged", merged);
  if (merged) set_value(document, "pull_request.merged_by", builder.user(document, pull.merged_by_login));
  else set_null(document, "pull_request.merged_by");
  set(document, "pull_request.additions", pull.additions);
  set(document, "pull_request.deletions", pull.deletions);
  set(document, "pull_request.changed_files", pull.changed_files);
  set(document, "pull_request.commits", pull.commits);
}

void add_pull(tracker_builder& builder, const world_repository& repository, const world_pull& pull) {
  const auto id = std::to_string(pull.id);
  auto opened = builder.take("pull_request", "opened");
  set(opened, "number", pull.number);
  set_pull(builder, opened, pull, pull.created_at, true);
  builder.add("pull_request", opened, repository, pull.created_at, pull.author_login,
              "world-pull-request-" + id + "-opened");
  for (const auto& review : pull.reviews) {
    auto submitted = builder.take("pull_request_review", "submitted");
    set_pull(builder, submitted, pull, review.submitted_at, false);
    set(submitted, "review.id", review.id);
    set(submitted, "review.node_id", "PRR_" + std::to_string(review.id));
    set_value(submitted, "review.user", builder.user(submitted, review.reviewer_login));
    std::string state = review.state;  // webhooks spell it in lower case
    std::transform(state.begin(), state.end(), state.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    set(submitted, "review.state", state);
    set(submitted, "review.submitted_at", github_time(review.submitted_at));
    set(submitted, "review.commit_id", pull.head_sha);
    builder.add("pull_request_review", submitted, repository, review.submitted_at,
                review.reviewer_login, "world-review-" + std::to_string(review.id) + "-submitted");
  }
  if (pull.closed_at) {
    auto closed = builder.take("pull_request", "closed");
    set(closed, "number", pull.number);
    set_pull(builder, closed, pull, *pull.closed_at, true);
    builder.add("pull_request", closed, repository, *pull.closed_at,
                pull.merged_at ? pull.merged_by_login : pull.author_login,
                "world-pull-request-" + id + "-closed");
  }
}

/// The issue at `at` with its first `assigned` assignees.
void set_issue(tracker_builder& builder, Document& document, const world_issue& issue, world_time when,
               std::size_t assigned) {
  const bool closed = issue.closed_at && *issue.closed_at <= when;
  set(document, "issue.id", issue.id);
  set(document, "issue.node_id", "I_" + std::to_string(issue.id));
  set(document, "issue.number", issue.number);
  set(document, "issue.title", issue.title);
  set_value(document, "issue.user", builder.user(document, issue.author_login));
  set(document, "issue.state", closed ? "closed" : "open");
  if (closed) set(document, "issue.state_reason", "completed");
  else set_null(document, "issue.state_reason");
  set(document, "issue.created_at", github_time(issue.created_at));
  set(document, "issue.updated_at", github_time(when));
  if (closed) set(document, "issue.closed_at", github_time(*issue.closed_at));
  else set_null(document, "issue.closed_at");
  erase(document, "issue.pull_request");
  auto& list = at(document, "issue.assignees");
  list.SetArray();
  for (std::size_t index = 0; index < assigned && index < issue.assignee_logins.size(); ++index)
    list.PushBack(builder.user(document, issue.assignee_logins[index]), document.GetAllocator());
  if (list.Empty()) set_null(document, "issue.assignee");
  else set_value(document, "issue.assignee", list[0]);
}

void add_issue(tracker_builder& builder, const world_repository& repository, const world_issue& issue) {
  const auto id = std::to_string(issue.id);
  auto opened = builder.take("issues", "opened");
  set_issue(builder, opened, issue, issue.created_at, 0);
  builder.add("issues", opened, repository, issue.created_at, issue.author_login,
              "world-issue-" + id + "-opened");
  if (issue.assigned_at) {
    // One delivery per assignee, a second apart, each showing the assignees so far.
    for (std::size_t index = 0; index < issue.assignee_logins.size(); ++index) {
      auto assigned = builder.take("issues", "assigned");
      set_issue(builder, assigned, issue, *issue.assigned_at, index + 1);
      set_value(assigned, "assignee", builder.user(assigned, issue.assignee_logins[index]));
      builder.add("issues", assigned, repository, *issue.assigned_at, issue.author_login,
                  "world-issue-" + id + "-assigned-" + issue.assignee_logins[index],
                  seconds(3 + static_cast<int>(index)));
    }
  }
  if (issue.closed_at) {
    // The examples hold no `closed` action of issues: an `opened` one, its action changed.
    auto closed = builder.take("issues", "opened");
    set(closed, "action", "closed");
    set_issue(builder, closed, issue, *issue.closed_at, issue.assignee_logins.size());
    builder.add("issues", closed, repository, *issue.closed_at, issue.author_login,
                "world-issue-" + id + "-closed");
  }
}

}  // namespace

std::vector<delivery> tracker_deliveries(const github_world& world) {
  tracker_builder builder(world);
  for (const auto& repository : world.repositories) {
    for (const auto& pull : repository.pulls) add_pull(builder, repository, pull);
    for (const auto& issue : repository.issues) add_issue(builder, repository, issue);
  }
  return builder.take_deliveries();
}

}  // namespace tributary::testing
