#include "reconciler/commit_line_counts.hpp"

#include "reconciler/default_branch_commits.hpp"
#include "reconciler/event_repository.hpp"
#include "reconciler/rest_json.hpp"

namespace tributary::reconciler {
namespace {

using rapidjson::Value;

struct missing_commit {
  std::string full_name;
  std::string sha;
};

}  // namespace

synthetic_event commit_event(const Value& repository, const Value& commit) {
  const auto* stats = member_of(commit, "stats");
  const auto* additions = stats ? member_of(*stats, "additions") : nullptr;
  const auto* deletions = stats ? member_of(*stats, "deletions") : nullptr;
  if (additions == nullptr || !additions->IsInt64() || deletions == nullptr || !deletions->IsInt64())
    throw api_error(0, "the commit " + string_of(commit, "sha") + " lacks its stats");
  auto message = push_of_one_commit(repository, commit, "commit");
  auto& allocator = message.payload.GetAllocator();
  Value counts(rapidjson::kObjectType);
  counts.AddMember("additions", additions->GetInt64(), allocator);
  counts.AddMember("deletions", deletions->GetInt64(), allocator);
  counts.AddMember("total", additions->GetInt64() + deletions->GetInt64(), allocator);
  message.payload["commits"][0].AddMember("stats", counts, allocator);
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
             "SELECT r.full_name, c.sha FROM github.commits c JOIN github.repositories r "
             "ON r.id = c.repository_id WHERE c.additions IS NULL AND r.full_name = ANY($1::text[]) "
             "ORDER BY c.authored_at DESC, c.sha LIMIT $2",
             names, context.config.commit_budget))
      missing.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
  }
  context.record.gaps.try_emplace("commit_stats", 0);
  for (const auto& gap : missing) {
    api_request request = api_get("/repos/" + gap.full_name + "/commits/" + gap.sha);
    request.conditional = false;
    const auto response = context.client.send(request);
    const auto commit = github_client::parse_json(response);
    context.publisher.publish(commit_event(context.repositories.of(context, gap.full_name).object, commit));
    --lacking;
  }
  return lacking;
}

}  // namespace tributary::reconciler
