#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <map>
#include <string>

namespace tributary::reconciler {

/// The `repository` member of the synthetic events about one target's repositories: the
/// repository as github.repositories knows it (id, full_name, name, owner, updated_at: a snapshot
/// that changes nothing the worker holds), or GitHub's own (GET /repos/{owner}/{repo},
/// unconditional: a 304 carries no body) for one the worker has not folded yet. Each repository
/// is looked up once. Borrows the context; one thread.
class event_repositories {
 public:
  explicit event_repositories(target_context& context) : context_(context) {}
  const rapidjson::Value& of(const std::string& full_name);

 private:
  target_context& context_;
  std::map<std::string, rapidjson::Document> known_;
};

}  // namespace tributary::reconciler
