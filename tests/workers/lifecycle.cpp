#include "tests/workers/lifecycle.hpp"

#include "core/envelope.hpp"
#include "tests/harness/payload_edit.hpp"
#include "tests/harness/webhook_examples.hpp"

#include <rapidjson/document.h>

#include <map>
#include <stdexcept>

namespace tributary::testing {
namespace {

using rapidjson::Document;
using rapidjson::Value;

struct person {
  const char* login;
  std::int64_t id;
  const char* type = "User";
};
const person alice{"alice", 101};
const person bob{"bob", 102};
const person carol{"carol", 103};
const person acme{"acme", 5001, "Organization"};

/// A user object shaped like the examples' (taken from `document`'s sender).
Value user_object(Document& document, const person& who) {
  Value user;
  user.CopyFrom(document["sender"], document.GetAllocator());
  user["login"].SetString(who.login, document.GetAllocator());
  user["id"].SetInt64(who.id);
  user["type"].SetString(who.type, document.GetAllocator());
  return user;
}

/// Builds the deliveries, giving each the acme/widgets snapshot of its moment.
class lifecycle_builder {
 public:
  lifecycle_builder() {
    // The repository object of a pull_request example, renamed; every event carries a copy.
    const auto template_document = book_.take("pull_request", 0, "opened");
    repository_.CopyFrom(template_document["repository"], repository_.GetAllocator());
    set(repository_, "id", std::int64_t{9001});
    set(repository_, "name", "widgets");
    set(repository_, "full_name", "acme/widgets");
    Document scratch;
    scratch.CopyFrom(template_document, scratch.GetAllocator());
    set_value(repository_, "owner", user_object(scratch, acme));
  }

  Document take(const std::string& event, std::size_t index, const char* action) {
    return book_.take(event, index, action);
  }

  /// Sets the sender and this moment's repository snapshot, and records the delivery.
  void add(const std::string& event, Document& document, const person& sender,
           const std::string& time, int stars, const std::string& source = "webhook",
           bool own_repository = false) {
    set_value(document, "sender", user_object(document, sender));
    if (document.HasMember("repository") && !own_repository) {
      Document snapshot;
      snapshot.CopyFrom(repository_, snapshot.GetAllocator());
      set(snapshot, "updated_at", time);
      set(snapshot, "stargazers_count", stars);
      set(snapshot, "watchers_count", stars);
      set_value(document, "repository", snapshot);
    }
    if (document.HasMember("organization")) document.RemoveMember("organization");
    if (document.HasMember("installation")) document.RemoveMember("installation");
    delivery item;
    item.event = event;
    item.delivery_id = "00000000-0000-4000-8000-" + std::to_string(100000000000 + deliveries_.size());
    item.received_at = time.substr(0, 19) + ".500Z";  // the hook fires half a second later
    item.source = source;
    item.payload = json_of(document);
    deliveries_.push_back(std::move(item));
  }

  Value user(Document& document, const person& who) { return user_object(document, who); }

  std::vector<delivery> take_deliveries() { return std::move(deliveries_); }

 private:
  example_book book_;
  Document repository_;
  std::vector<delivery> deliveries_;
};

struct commit_spec {
  const char* sha;
  const char* timestamp;
  const char* username;  // nullptr: no GitHub user
  const char* email;
  int additions = -1;    // >= 0: the commit carries REST's stats (a reconciler event)
  int deletions = -1;
};

Document push(lifecycle_builder& builder, const char* ref, const std::vector<commit_spec>& commits) {
  auto document = builder.take("push", 4, "");
  const Value commit_template(document["commits"][0], document.GetAllocator());
  set(document, "ref", ref);
  auto& list = at(document, "commits");
  list.SetArray();
  for (const auto& spec : commits) {
    Value commit(commit_template, document.GetAllocator());
    commit["id"].SetString(spec.sha, document.GetAllocator());
    commit["timestamp"].SetString(spec.timestamp, document.GetAllocator());
    commit["message"].SetString("work", document.GetAllocator());
    auto& author = commit["author"];
    author["email"].SetString(spec.email, document.GetAllocator());
    author["name"].SetString(spec.username ? spec.username : "A Developer", document.GetAllocator());
    if (spec.username) author["username"].SetString(spec.username, document.GetAllocator());
    else author.RemoveMember("username");
    if (spec.additions >= 0) {
      Value stats(rapidjson::kObjectType);
      stats.AddMember("additions", spec.additions, document.GetAllocator());
      stats.AddMember("deletions", spec.deletions, document.GetAllocator());
      stats.AddMember("total", spec.additions + spec.deletions, document.GetAllocator());
      commit.AddMember("stats", stats, document.GetAllocator());
    }
    list.PushBack(commit, document.GetAllocator());
  }
  set_value(document, "head_commit", list[list.Size() - 1]);
  return document;
}

struct pull_request_spec {
  std::int64_t id;
  int number;
  const person* author;
  const char* created_at;
  int additions, deletions, changed_files, commits;
};

Document pull_request(lifecycle_builder& builder, const pull_request_spec& spec, const char* action,
                      const char* updated_at) {
  auto document = builder.take("pull_request", 0, "opened");
  set(document, "action", action);
  set(document, "number", spec.number);
  set(document, "pull_request.id", spec.id);
  set(document, "pull_request.number", spec.number);
  set_value(document, "pull_request.user", builder.user(document, *spec.author));
  set(document, "pull_request.created_at", spec.created_at);
  set(document, "pull_request.updated_at", updated_at);
  set(document, "pull_request.additions", spec.additions);
  set(document, "pull_request.deletions", spec.deletions);
  set(document, "pull_request.changed_files", spec.changed_files);
  set(document, "pull_request.commits", spec.commits);
  return document;
}

Document review(lifecycle_builder& builder, std::int64_t review_id, const person& reviewer,
                const char* state, const char* submitted_at, const pull_request_spec& spec,
                const char* pull_request_updated_at) {
  auto document = builder.take("pull_request_review", 0, "submitted");
  set(document, "review.id", review_id);
  set_value(document, "review.user", builder.user(document, reviewer));
  set(document, "review.state", state);
  if (submitted_at) set(document, "review.submitted_at", submitted_at);
  else set_null(document, "review.submitted_at");
  set(document, "pull_request.id", spec.id);
  set(document, "pull_request.number", spec.number);
  set_value(document, "pull_request.user", builder.user(document, *spec.author));
  set(document, "pull_request.created_at", spec.created_at);
  set(document, "pull_request.updated_at", pull_request_updated_at);
  return document;
}

Document issue(lifecycle_builder& builder, std::int64_t id, int number, const person& author,
               const char* action, const char* created_at, const char* updated_at,
               const std::vector<const person*>& assignees, const char* closed_at = nullptr) {
  auto document = builder.take("issues", 15, "opened");
  set(document, "action", action);
  set(document, "issue.id", id);
  set(document, "issue.number", number);
  set_value(document, "issue.user", builder.user(document, author));
  set(document, "issue.created_at", created_at);
  set(document, "issue.updated_at", updated_at);
  set(document, "issue.state", closed_at ? "closed" : "open");
  if (closed_at) set(document, "issue.closed_at", closed_at);
  else set_null(document, "issue.closed_at");
  auto& list = at(document, "issue.assignees");
  list.SetArray();
  for (const auto* who : assignees) list.PushBack(builder.user(document, *who), document.GetAllocator());
  if (assignees.empty()) set_null(document, "issue.assignee");
  else set_value(document, "issue.assignee", list[0]);
  return document;
}

Document star(lifecycle_builder& builder, bool created, const char* starred_at) {
  auto document = created ? builder.take("star", 0, "created") : builder.take("star", 2, "deleted");
  if (starred_at) set(document, "starred_at", starred_at);
  else set_null(document, "starred_at");
  return document;
}

}  // namespace

std::vector<delivery> build_lifecycle() {
  lifecycle_builder builder;
  const pull_request_spec pr7{70001, 7, &alice, "2024-03-04T09:00:00Z", 120, 30, 5, 3};
  const pull_request_spec pr8{70002, 8, &carol, "2024-03-05T12:00:00Z", 10, 0, 1, 1};

  // 2024-03-04
  auto d = push(builder, "refs/heads/main",
                {{"c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", "2024-03-04T08:00:00Z", "alice", "alice@example.com"},
                 {"c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2", "2024-03-04T08:30:00Z", nullptr, "dev@example.com"}});
  builder.add("push", d, alice, "2024-03-04T08:40:00Z", 0);
  d = pull_request(builder, pr7, "opened", "2024-03-04T09:00:00Z");
  builder.add("pull_request", d, alice, "2024-03-04T09:00:00Z", 0);
  d = review(builder, 80001, alice, "commented", "2024-03-04T10:00:00Z", pr7, "2024-03-04T10:00:00Z");
  builder.add("pull_request_review", d, alice, "2024-03-04T10:00:00Z", 0);
  d = issue(builder, 60001, 12, carol, "opened", "2024-03-04T11:00:00Z", "2024-03-04T11:00:00Z", {});
  builder.add("issues", d, carol, "2024-03-04T11:00:00Z", 0);
  d = issue(builder, 60001, 12, carol, "assigned", "2024-03-04T11:00:00Z", "2024-03-04T11:30:00Z", {&bob});
  builder.add("issues", d, carol, "2024-03-04T11:30:00Z", 0);
  d = star(builder, true, "2024-03-04T12:00:00Z");
  builder.add("star", d, bob, "2024-03-04T12:00:00Z", 1);
  d = star(builder, true, "2024-03-04T12:05:00Z");
  builder.add("star", d, carol, "2024-03-04T12:05:00Z", 2);
  d = star(builder, false, nullptr);
  builder.add("star", d, bob, "2024-03-04T12:10:00Z", 1);
  // A pending review (as the reconciler would report one): never counted.
  d = review(builder, 80003, carol, "PENDING", nullptr, pr7, "2024-03-04T14:00:00Z");
  builder.add("pull_request_review", d, carol, "2024-03-04T14:00:00Z", 1, "reconciler");
  d = review(builder, 80002, bob, "approved", "2024-03-04T15:30:00Z", pr7, "2024-03-04T15:30:00Z");
  builder.add("pull_request_review", d, bob, "2024-03-04T15:30:00Z", 1);
  // c4's local time is the next day; in UTC it is 2024-03-04. c2 again, from another branch.
  d = push(builder, "refs/heads/feature",
           {{"c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4", "2024-03-05T01:30:00+03:00", "bob", "bob@example.com"},
            {"c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2", "2024-03-04T08:30:00Z", nullptr, "dev@example.com"}});
  builder.add("push", d, bob, "2024-03-04T22:35:00Z", 1);
  // 2024-03-05
  d = push(builder, "refs/heads/feature",
           {{"c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", "2024-03-05T07:00:00+02:00", "bob", "bob@example.com"}});
  builder.add("push", d, bob, "2024-03-05T05:10:00Z", 1);
  d = issue(builder, 60002, 13, bob, "opened", "2024-03-05T08:00:00Z", "2024-03-05T08:00:00Z", {&alice, &carol});
  builder.add("issues", d, bob, "2024-03-05T08:00:00Z", 1);
  auto synchronized = pr7;
  synchronized.additions = 125;
  synchronized.deletions = 31;
  synchronized.changed_files = 6;
  synchronized.commits = 4;
  d = pull_request(builder, synchronized, "synchronize", "2024-03-05T09:00:00Z");
  builder.add("pull_request", d, alice, "2024-03-05T09:00:00Z", 1);
  d = pull_request(builder, synchronized, "closed", "2024-03-05T10:00:00Z");
  set(d, "pull_request.state", "closed");
  set(d, "pull_request.merged", true);
  set(d, "pull_request.merged_at", "2024-03-05T10:00:00Z");
  set(d, "pull_request.closed_at", "2024-03-05T10:00:00Z");
  builder.add("pull_request", d, bob, "2024-03-05T10:00:00Z", 1);
  d = pull_request(builder, pr8, "opened", "2024-03-05T12:00:00Z");
  builder.add("pull_request", d, carol, "2024-03-05T12:00:00Z", 1);
  // 2024-03-06
  d = pull_request(builder, pr8, "closed", "2024-03-06T08:00:00Z");
  set(d, "pull_request.state", "closed");
  set(d, "pull_request.closed_at", "2024-03-06T08:00:00Z");
  builder.add("pull_request", d, carol, "2024-03-06T08:00:00Z", 1);
  d = issue(builder, 60001, 12, carol, "closed", "2024-03-04T11:00:00Z", "2024-03-06T09:00:00Z", {&bob},
            "2024-03-06T09:00:00Z");
  builder.add("issues", d, bob, "2024-03-06T09:00:00Z", 1);
  // Unassigned after closing: the closing still counts for bob.
  d = issue(builder, 60001, 12, carol, "unassigned", "2024-03-04T11:00:00Z", "2024-03-06T10:00:00Z", {},
            "2024-03-06T09:00:00Z");
  builder.add("issues", d, bob, "2024-03-06T10:00:00Z", 1);
  // alice's own repository, with three stars.
  d = builder.take("repository", 1, "created");
  {
    auto& repository = at(d, "repository");
    repository["id"].SetInt64(9002);
    repository["name"].SetString("dotfiles");
    repository["full_name"].SetString("alice/dotfiles");
    repository["stargazers_count"].SetInt64(3);
    repository["updated_at"].SetString("2024-03-06T11:00:00Z");
    set_value(d, "repository.owner", builder.user(d, alice));
  }
  builder.add("repository", d, alice, "2024-03-06T11:00:00Z", 0, "webhook", true);
  // The reconciler learns c1's size from the REST API and republishes it as a push.
  d = push(builder, "refs/heads/main",
           {{"c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", "2024-03-04T08:00:00Z", "alice",
             "alice@example.com", 10, 2}});
  builder.add("push", d, alice, "2024-03-06T12:00:00Z", 1, "reconciler");
  return builder.take_deliveries();
}

}  // namespace tributary::testing

namespace tributary::testing {

workers::incoming_message to_message(const delivery& item, const std::string& topic,
                                     std::int32_t partition, std::int64_t offset) {
  namespace envelope = core::envelope;
  workers::incoming_message message;
  message.topic = topic;
  message.partition = partition;
  message.offset = offset;
  message.headers = {{std::string(envelope::header_event), item.event},
                     {std::string(envelope::header_delivery), item.delivery_id},
                     {std::string(envelope::header_received_at), item.received_at},
                     {std::string(envelope::header_source), item.source},
                     {std::string(envelope::header_content_type), std::string(envelope::content_type_json)}};
  if (!item.hook_id.empty())
    message.headers.emplace_back(std::string(envelope::header_hook_id), item.hook_id);
  message.value = item.payload;
  return message;
}

std::vector<workers::incoming_message> to_messages(const std::vector<delivery>& items) {
  std::vector<workers::incoming_message> messages;
  for (std::size_t i = 0; i < items.size(); ++i)
    messages.push_back(to_message(items[i], "t", 0, static_cast<std::int64_t>(i)));
  return messages;
}

std::vector<delivery> example_deliveries() {
  std::vector<delivery> items;
  for (const auto& example : load_webhook_examples()) {
    delivery item;
    item.event = example.event;
    item.delivery_id = "example-" + std::to_string(items.size());
    item.received_at = "2026-01-15T12:00:00.000Z";
    item.payload = example.payload;
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace tributary::testing
