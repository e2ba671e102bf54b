#pragma once

#include "workers/event.hpp"
#include "workers/payload_node.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tributary::workers {

/// A GitHub account as a payload shows it.
struct user_row {
  std::int64_t id = 0;
  std::string login;
  std::optional<std::string> type;
};

/// A repository snapshot as a payload's top-level `repository` shows it.
struct repository_row {
  std::int64_t id = 0;
  std::string full_name;
  std::string name;
  std::optional<std::string> owner_login;
  std::optional<std::int64_t> owner_id;
  std::optional<bool> is_private, fork, archived;
  std::optional<std::string> default_branch;
  std::optional<std::string> created_at, pushed_at, updated_at;
  std::optional<std::int64_t> stargazers_count, forks_count, open_issues_count;
};

/// The user object at `key` of `parent`, if there is one (id and login then required). Pure.
std::optional<user_row> read_user(const payload_node& parent, std::string_view key);
/// A repository object (id and full_name required). Pure.
repository_row read_repository(const payload_node& node);

/// SQL value of a snapshot version taken from an optional updated_at: a snapshot that does not say
/// when it was taken ranks below every dated one, so it only ever fills an absent row.
inline std::string version_time(const std::optional<std::string>& updated_at) {
  return updated_at.value_or("-infinity");
}

/// The time `key` (updated_at, pushed_at) of the payload's top-level repository, if it has one:
/// the GitHub time that orders states whose own objects carry none (an unstar, a ref, a
/// collaborator). Pure.
std::optional<std::string> repository_time(const event& source, std::string_view key);

/// Orders a membership's states of equal version time (collaborators, team members, team and
/// installation repositories, refs, stars): 1 for a removal, which outranks the addition it undoes
/// (a replayed addition can then never revive what was removed at the same time), 0 else. Pure.
inline int removal_rank(bool present) { return present ? 0 : 1; }

// Every version time goes to PostgreSQL through github.snapshot_version_at(github_time,
// received_at) (migration 006): GitHub's time capped at received-at + 5 minutes, so a time in the
// future never pins a row; NULL means GitHub gave none, and the received-at stands in.

/// One attempt at applying a run of events: the pqxx transaction, plus the users and repositories
/// that nearly every fold meets. Those are gathered and written once per attempt, one statement
/// each (repositories: a second one for stargazers_count, versioned on its own; users: a second
/// one for the login history github.user_logins), in id order: one round trip instead of several
/// per event, and a lock order that all workers share, so two of them never deadlock on a popular
/// row (a bot sender, an org). Lives for one attempt; one thread.
class fold_transaction {
 public:
  explicit fold_transaction(pqxx::work& work) : work_(work) {}

  pqxx::work& work() { return work_; }

  void add_user(const user_row& user, const event& source);
  void add_repository(const repository_row& repository, const event& source);
  void mark_repository_deleted(std::int64_t id) { deleted_repositories_.insert(id); }

  /// Writes what was gathered (newest snapshot per id, and only if newer than the stored one).
  void flush();

  static void prepare(pqxx::connection& connection);

 private:
  pqxx::work& work_;
  std::vector<std::pair<user_row, const event*>> users_;
  std::vector<std::pair<repository_row, const event*>> repositories_;
  std::set<std::int64_t> deleted_repositories_;
};

/// Gathers what every event carries besides its subject: the top-level repository (when
/// `repository_required`, its absence is a fold_error), the sender and the organization.
/// Returns the repository id, if any.
std::optional<std::int64_t> gather_context(const event& source, fold_transaction& transaction,
                                           bool repository_required);

/// The payload root as a payload_node.
inline payload_node root_of(const event& source) { return payload_node(source.payload, ""); }

}  // namespace tributary::workers
