#pragma once

#include "reconciler/target_context.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <string>

namespace tributary::reconciler {

/// A repository of the target, and the `repository` object its synthetic events carry: the
/// abridged {id, full_name, name, owner {login, id}} without a time, so that the worker ranks it
/// below every dated snapshot (`version_time` = -infinity) and it changes nothing there, while
/// the worker still learns the repository from it.
struct known_repository {
  std::int64_t id = 0;
  std::string full_name;
  rapidjson::Document object;
};

/// The repositories the synthetic events of one target's resources are about, each looked up
/// once: from github.repositories (the newest row not deleted), or, when the worker does not hold
/// it yet (its webhooks never came: its `repository` event, published earlier in this run, is not
/// folded yet), with one unconditional GET /repos/{owner}/{repo} (the run's conditional GET just
/// stored its ETag, so a conditional one would answer 304 without a body). One per target run,
/// shared by every resource (target_context::repositories), so that a repository costs one GET at
/// most in a run; one thread.
class event_repositories {
 public:
  /// Throws api_error (404 included) like the client.
  const known_repository& of(target_context& context, const std::string& full_name);

 private:
  static known_repository look_up(target_context& context, const std::string& full_name);

  std::map<std::string, known_repository> known_;
};

}  // namespace tributary::reconciler
