#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::people {

/// An identity a manual decision is about: a commit author's e-mail or a login, in lower case
/// (GitHub compares both without case).
struct identity {
  enum class kind_type { email, login } kind;
  std::string text;

  std::string_view kind_name() const { return kind == kind_type::email ? "email" : "login"; }
};

/// Input that names no valid identity or account: `what()` is the one line to print (exit 2).
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A decision that can't be carried out against the database as it is (an unknown account,
/// nothing to reset): `what()` is the one line to print (exit 1).
struct refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// `--email TEXT` or `--login TEXT` as an identity: lower case, trimmed; an e-mail must hold one
/// '@' with text on both sides, a login must hold none. Throws usage_error. Pure.
identity parse_identity(std::string_view kind, std::string_view text);

/// A GitHub account as github.users knows it.
struct account {
  std::int64_t id = 0;
  std::string login;
};

/// The account named by `user`: its current login (any case), else a login it was seen with
/// (github.user_logins, the one seen with it last), else "#ID" / a plain id of an account
/// github.users holds. Throws refused when none is known.
account find_account(pqxx::transaction_base& work, std::string_view user);

/// Who made a change, and why (written to admin.person_link_audit).
struct change_author {
  std::string by;
  std::optional<std::string> note;
};

/// link: `who` counts for `target` from now on, whatever the evidence. One transaction: the
/// decision in admin.person_links and its audit row.
void link(pqxx::connection& database, const identity& who, const account& target,
          const change_author& author);
/// unlink: `who` stands on its own from now on, whatever the evidence.
void unlink(pqxx::connection& database, const identity& who, const change_author& author);
/// reset: the manual decision about `who` is dropped; the evidence decides again. Throws refused
/// when there was none.
void reset(pqxx::connection& database, const identity& who, const change_author& author);

/// One manual decision (admin.person_links), or one audit row.
struct decision_line {
  std::string text;  // tab-separated, as `tributary-people list` prints it
};
/// The decisions in force (kind, identity, user id or "-", login or "(own)", by, at).
std::vector<decision_line> list_decisions(pqxx::connection& database);
/// The audit trail, oldest first (at, by, db role, action, kind, identity, user id, login,
/// previous, note).
std::vector<decision_line> list_audit(pqxx::connection& database);

}  // namespace tributary::people
