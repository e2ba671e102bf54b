#include "reconciler/commit_line_counts.hpp"

#include "core/bounded_json.hpp"

namespace tributary::reconciler {
namespace {

using rapidjson::Value;

const Value* member(const Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  const auto found = object.FindMember(key);
  return found == object.MemberEnd() || found->value.IsNull() ? nullptr : &found->value;
}

std::string required_string(const Value& object, const char* key, const char* what) {
  const auto* value = member(object, key);
  if (value == nullptr || !value->IsString())
    throw api_error(0, std::string("the commit lacks ") + what);
  return value->GetString();
}

struct missing_commit {
  std::int64_t repository_id = 0;
  std::string full_name;
  std::string sha;
  std::string repository_json;  // as github.repositories knows it, for the push's `repository`
};

}  // namespace

synthetic_event commit_event(const Value& repository, const Value& commit) {
  const auto sha = required_string(commit, "sha", "sha");
  const auto* detail = member(commit, "commit");
  const auto* author = detail ? member(*detail, "author") : nullptr;
  const auto* stats = member(commit, "stats");
  if (author == nullptr || stats == nullptr || !member(*stats, "additions") ||
      !member(*stats, "deletions"))
    throw api_error(0, "the commit " + sha + " lacks its author or stats");

  synthetic_event message{"push",
                          "reconciler:commit:" + std::to_string(repository["id"].GetInt64()) + ":" + sha,
                          rapidjson::Document(rapidjson::kObjectType)};
  auto& allocator = message.payload.GetAllocator();
  Value pushed(rapidjson::kObjectType);
  pushed.AddMember("id", Value(sha.c_str(), allocator), allocator);
  pushed.AddMember("timestamp", Value(required_string(*author, "date", "its date").c_str(), allocator),
                   allocator);
  if (const auto* text = member(*detail, "message"); text && text->IsString())
    pushed.AddMember("message", Value(*text, allocator), allocator);
  Value person(rapidjson::kObjectType);
  if (const auto* name = member(*author, "name"); name && name->IsString())
    person.AddMember("name", Value(*name, allocator), allocator);
  if (const auto* email = member(*author, "email"); email && email->IsString())
    person.AddMember("email", Value(*email, allocator), allocator);
  // The GitHub account REST matched to the author's email, when there is one.
  if (const auto* account = member(commit, "author"))
    if (const auto* login = member(*account, "login"); login && login->IsString())
      person.AddMember("username", Value(*login, allocator), allocator);
  pushed.AddMember("author", person, allocator);
  Value counts(rapidjson::kObjectType);
  const auto additions = (*member(*stats, "additions")).GetInt64();
  const auto deletions = (*member(*stats, "deletions")).GetInt64();
  counts.AddMember("additions", additions, allocator);
  counts.AddMember("deletions", deletions, allocator);
  counts.AddMember("total", additions + deletions, allocator);
  pushed.AddMember("stats", counts, allocator);
  Value commits(rapidjson::kArrayType);
  commits.PushBack(pushed, allocator);

  message.payload.AddMember("repository", Value(repository, allocator), allocator);
  message.payload.AddMember("commits", commits, allocator);
  return message;
}

std::int64_t reconcile_commit_line_counts(target_context& context,
                                          const std::vector<std::string>& repositories) {
  if (repositories.empty()) return 0;
  std::vector<missing_commit> missing;
  std::int64_t lacking = 0;
  {
    pqxx::nontransaction work(context.database);
    std::string names = "{";
    for (const auto& name : repositories) {
      if (names.size() > 1) names += ',';
      names += '"' + name + '"';  // GitHub's names hold no quote or backslash (parse_target)
    }
    names += '}';
    for (const auto& row : work.exec_params(
             "SELECT r.full_name, count(*) FROM github.commits c JOIN github.repositories r "
             "ON r.id = c.repository_id WHERE c.additions IS NULL AND r.full_name = ANY($1::text[]) "
             "GROUP BY r.full_name", names)) {
      const auto count = row[1].as<std::int64_t>();
      record_gap(context.record, row[0].as<std::string>(), "commit_stats", count);
      lacking += count;
    }
    for (const auto& row : work.exec_params(
             "SELECT c.repository_id, r.full_name, c.sha, jsonb_strip_nulls(jsonb_build_object("
             "'id', r.id, 'full_name', r.full_name, 'name', r.name, 'owner', CASE WHEN "
             "r.owner_login IS NOT NULL AND r.owner_id IS NOT NULL THEN jsonb_build_object("
             "'login', r.owner_login, 'id', r.owner_id) END, 'updated_at', to_char(r.updated_at "
             "AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')))::text "
             "FROM github.commits c JOIN github.repositories r ON r.id = c.repository_id "
             "WHERE c.additions IS NULL AND r.full_name = ANY($1::text[]) "
             "ORDER BY c.authored_at DESC, c.sha LIMIT $2",
             names, context.config.commit_budget))
      missing.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                         row[2].as<std::string>(), row[3].as<std::string>()});
  }
  context.record.gaps.try_emplace("commit_stats", 0);
  for (const auto& gap : missing) {
    api_request request = api_get("/repos/" + gap.full_name + "/commits/" + gap.sha);
    request.conditional = false;
    const auto response = context.client.send(request);
    const auto commit = github_client::parse_json(response);
    rapidjson::Document repository;
    if (!core::parse_bounded_json(repository, gap.repository_json).ok())
      throw std::runtime_error("github.repositories gave no JSON for " + gap.full_name);
    context.publisher.publish(commit_event(repository, commit));
    --lacking;
  }
  return lacking;
}

}  // namespace tributary::reconciler
