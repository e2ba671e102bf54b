#include "tests/reconciler/fake_github_content.hpp"

#include "reconciler/github_time.hpp"
#include "tests/reconciler/openapi_examples.hpp"
#include "tests/reconciler/world_rest.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

namespace tributary::testing {
namespace {

using allocator_type = rapidjson::Document::AllocatorType;

// Entities are dated back from here, one hour apart, newest first (GitHub's default order).
const std::chrono::system_clock::time_point newest{std::chrono::sys_days(std::chrono::year(2026) / 1 / 1)};

std::string at_hour(std::size_t index) {
  return reconciler::format_github_time(newest - std::chrono::hours(index));
}

void set(rapidjson::Value& object, const char* name, std::string_view text, allocator_type& allocator) {
  rapidjson::Value value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
  if (object.HasMember(name)) object[name] = value;
  else object.AddMember(rapidjson::Value(name, allocator), value, allocator);
}

void set(rapidjson::Value& object, const char* name, std::int64_t number, allocator_type& allocator) {
  if (object.HasMember(name)) object[name].SetInt64(number);
  else object.AddMember(rapidjson::Value(name, allocator), rapidjson::Value(number), allocator);
}

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A user object of the examples (owner, user, author) made into `login`.
void make_user(rapidjson::Value& user, const std::string& login, allocator_type& allocator) {
  if (!user.IsObject()) return;
  set(user, "login", login, allocator);
  set(user, "id", static_cast<std::int64_t>(std::hash<std::string>{}(login) % 100'000'000), allocator);
  set(user, "url", "https://api.github.com/users/" + login, allocator);
  set(user, "html_url", "https://github.com/" + login, allocator);
}

std::string login_of(std::size_t index) { return "developer-" + std::to_string(index % 7); }

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() == '/') { path.remove_prefix(1); continue; }
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  return segments;
}

std::optional<std::int64_t> number(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string repository_object(const fake_repository& repository, const char* example) {
  rapidjson::Document document;
  auto& allocator = document.GetAllocator();
  auto value = openapi_examples::get().object(example, allocator);
  const auto full_name = repository.owner + "/" + repository.name;
  set(value, "id", static_cast<std::int64_t>(std::hash<std::string>{}(full_name) % 1'000'000'000), allocator);
  set(value, "name", repository.name, allocator);
  set(value, "full_name", full_name, allocator);
  set(value, "url", "https://api.github.com/repos/" + full_name, allocator);
  set(value, "html_url", "https://github.com/" + full_name, allocator);
  set(value, "stargazers_count", repository.stargazers, allocator);
  if (value.HasMember("owner")) make_user(value["owner"], repository.owner, allocator);
  return compact(value);
}

}  // namespace

void fake_github_content::add_repository(fake_repository repository) {
  for (auto& known : repositories_)
    if (known.owner == repository.owner && known.name == repository.name) {
      known = std::move(repository);
      return;
    }
  repositories_.push_back(std::move(repository));
}

void fake_github_content::add_hook(const std::string& org, std::int64_t hook_id,
                                   std::vector<fake_delivery> newest_first) {
  hooks_[{org, hook_id}] = std::move(newest_first);
}

const fake_repository* fake_github_content::repository(std::string_view owner, std::string_view name) const {
  for (const auto& repository : repositories_)
    if (repository.owner == owner && repository.name == name) return &repository;
  return nullptr;
}

std::string fake_github_content::commit_sha(const std::string& full_name, std::size_t index) {
  char text[41];
  const auto a = std::hash<std::string>{}(full_name + "#" + std::to_string(index));
  const auto b = std::hash<std::string>{}(std::to_string(index) + "#" + full_name);
  std::snprintf(text, sizeof text, "%016zx%016zx%08zx", a, b, (a ^ b) & 0xffffffffu);
  return std::string(text, 40);
}

int fake_github_content::commit_additions(std::string_view sha) {
  return static_cast<int>(std::hash<std::string_view>{}(sha) % 500);
}

int fake_github_content::commit_deletions(std::string_view sha) {
  return static_cast<int>(std::hash<std::string_view>{}(sha) / 500 % 200);
}

namespace {

// GET …/hooks/{id}/deliveries (or /app/hook/deliveries): cursor pages of `deliveries`, newest first.
fake_resource deliveries_listing(std::vector<fake_delivery> deliveries) {
  fake_resource resource;
  resource.list = true;
  resource.cursor_paged = true;
  resource.count = deliveries.size();
  resource.cursor_of = [deliveries](std::size_t index) { return deliveries[index].id; };
  resource.item = [deliveries](std::size_t index) {
    const auto& delivery = deliveries[index];
    rapidjson::Document document;
    auto& allocator = document.GetAllocator();
    auto value = openapi_examples::get().object("hook-delivery-items", allocator);
    set(value, "id", delivery.id, allocator);
    set(value, "guid", delivery.guid, allocator);
    set(value, "status_code", delivery.status_code, allocator);
    set(value, "status", delivery.status_code == 200 ? "OK" : "Invalid HTTP Response: " + std::to_string(delivery.status_code), allocator);
    set(value, "event", delivery.event, allocator);
    if (value.HasMember("redelivery")) value["redelivery"].SetBool(false);
    set(value, "delivered_at", at_hour(index), allocator);
    return compact(value);
  };
  return resource;
}

}  // namespace

bool fake_github_content::has_delivery(std::string_view org, std::int64_t hook_id, std::int64_t delivery_id) const {
  const auto hook = hooks_.find({std::string(org), hook_id});
  if (hook == hooks_.end()) return false;
  for (const auto& delivery : hook->second)
    if (delivery.id == delivery_id) return true;
  return false;
}

std::optional<fake_resource> fake_github_content::find(std::string_view path,
                                                       const std::map<std::string, std::string>& query,
                                                       std::string_view accept) const {
  if (world_)
    if (auto found = find_in_world(*world_, path, query, accept)) return found;
  if (path == "/app/hook/deliveries") {  // the App's own hook: add_hook("", 0, …)
    const auto hook = hooks_.find({std::string(), 0});
    if (hook == hooks_.end()) return std::nullopt;
    return deliveries_listing(hook->second);
  }
  const auto segments = segments_of(path);
  const auto size = segments.size();
  fake_resource resource;
  if (size >= 2 && segments[0] == "orgs") {
    const std::string org(segments[1]);
    if (!organizations_.contains(org)) return std::nullopt;
    if (size == 2) {
      rapidjson::Document document;
      auto value = openapi_examples::get().object("organization-full", document.GetAllocator());
      set(value, "login", org, document.GetAllocator());
      set(value, "url", "https://api.github.com/orgs/" + org, document.GetAllocator());
      resource.object = compact(value);
      return resource;
    }
    if (size == 3 && segments[2] == "repos") {
      std::vector<fake_repository> owned;
      for (const auto& repository : repositories_)
        if (repository.owner == org) owned.push_back(repository);
      resource.list = true;
      resource.count = owned.size();
      resource.item = [owned](std::size_t index) {
        return repository_object(owned[index], "minimal-repository-items");
      };
      return resource;
    }
    if (size == 3 && segments[2] == "teams") {  // none: the organisations added here have no teams
      resource.list = true;
      return resource;
    }
    if (size == 5 && segments[2] == "hooks" && segments[4] == "deliveries") {
      const auto hook_id = number(segments[3]);
      if (!hook_id) return std::nullopt;
      const auto hook = hooks_.find({org, *hook_id});
      if (hook == hooks_.end()) return std::nullopt;
      return deliveries_listing(hook->second);
    }
    return std::nullopt;
  }
  if (size >= 3 && segments[0] == "repos") {
    const auto* found = repository(segments[1], segments[2]);
    if (found == nullptr) return std::nullopt;
    const auto repo = *found;
    const auto full_name = repo.owner + "/" + repo.name;
    if (size == 3) {
      resource.object = repository_object(repo, "full-repository-default-response");
      return resource;
    }
    resource.list = true;
    if (size == 4 && segments[3] == "pulls") {
      resource.count = static_cast<std::size_t>(repo.pulls);
      resource.item = [repo, full_name](std::size_t index) {
        rapidjson::Document document;
        auto& allocator = document.GetAllocator();
        auto value = openapi_examples::get().object("pull-request-simple-items", allocator);
        const auto number = static_cast<std::int64_t>(repo.pulls - index);
        set(value, "id", 1'000'000 + number, allocator);
        set(value, "number", number, allocator);
        set(value, "title", "Change " + std::to_string(number), allocator);
        set(value, "url", "https://api.github.com/repos/" + full_name + "/pulls/" + std::to_string(number), allocator);
        set(value, "created_at", at_hour(index + 24), allocator);
        set(value, "updated_at", at_hour(index), allocator);
        if (value.HasMember("user")) make_user(value["user"], login_of(index), allocator);
        return compact(value);
      };
      return resource;
    }
    if (size == 4 && segments[3] == "issues") {  // a repository added without a world has none
      resource.count = 0;
      resource.item = [](std::size_t) { return std::string("{}"); };
      return resource;
    }
    if (size == 4 && segments[3] == "commits") {
      resource.count = static_cast<std::size_t>(repo.commits);
      resource.item = [full_name](std::size_t index) {
        rapidjson::Document document;
        auto& allocator = document.GetAllocator();
        auto value = openapi_examples::get().object("commit-items", allocator);
        const auto sha = commit_sha(full_name, index);
        set(value, "sha", sha, allocator);
        set(value, "url", "https://api.github.com/repos/" + full_name + "/commits/" + sha, allocator);
        if (value.HasMember("commit") && value["commit"].HasMember("author"))
          set(value["commit"]["author"], "date", at_hour(index), allocator);
        if (value.HasMember("author")) make_user(value["author"], login_of(index), allocator);
        return compact(value);
      };
      return resource;
    }
    if (size == 5 && segments[3] == "commits") {
      for (std::size_t index = 0; index < static_cast<std::size_t>(repo.commits); ++index) {
        const auto sha = commit_sha(full_name, index);
        if (sha != segments[4]) continue;
        rapidjson::Document document;
        auto& allocator = document.GetAllocator();
        auto value = openapi_examples::get().object("commit", allocator);
        set(value, "sha", sha, allocator);
        set(value, "url", "https://api.github.com/repos/" + full_name + "/commits/" + sha, allocator);
        if (value.HasMember("author")) make_user(value["author"], login_of(index), allocator);
        const auto additions = commit_additions(sha);
        const auto deletions = commit_deletions(sha);
        if (value.HasMember("stats")) {
          set(value["stats"], "additions", additions, allocator);
          set(value["stats"], "deletions", deletions, allocator);
          set(value["stats"], "total", additions + deletions, allocator);
        }
        resource.list = false;
        resource.object = compact(value);
        return resource;
      }
      return std::nullopt;
    }
    if (size == 4 && segments[3] == "releases") return resource;  // none: an empty list
    if (size == 4 && segments[3] == "stargazers") {
      resource.count = static_cast<std::size_t>(repo.stargazers);
      const bool with_dates = accept.find("star+json") != std::string_view::npos;
      resource.item = [with_dates](std::size_t index) {
        rapidjson::Document document;
        auto& allocator = document.GetAllocator();
        const auto login = "stargazer-" + std::to_string(index);
        if (!with_dates) {
          auto value = openapi_examples::get().object("simple-user-items-default-response", allocator);
          make_user(value, login, allocator);
          return compact(value);
        }
        auto value = openapi_examples::get().object(
            "stargazer-items-alternative-response-with-star-creation-timestamps", allocator);
        set(value, "starred_at", at_hour(index), allocator);
        if (value.HasMember("user")) make_user(value["user"], login, allocator);
        return compact(value);
      };
      return resource;
    }
  }
  return std::nullopt;
}

}  // namespace tributary::testing
