#include "tools/people/person_links.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace tributary::people {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::optional<std::int64_t> plain_id(std::string_view text) {
  if (!text.empty() && text.front() == '#') text.remove_prefix(1);
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

/// Writes the new decision (`user_id`: an account, NULL: on its own; no row at all when `drop`)
/// and its audit row in one transaction, the previous decision read under the row's lock.
void record(pqxx::connection& database, std::string_view action, const identity& who,
            const std::optional<account>& target, bool drop, const change_author& author) {
  pqxx::work work(database);
  const auto kind = std::string(who.kind_name());
  const auto previous = work.exec_params(
      "SELECT user_id FROM admin.person_links WHERE kind = $1 AND identity = $2 FOR UPDATE", kind,
      who.text);
  if (drop && previous.empty())
    throw refused("no manual decision about " + kind + " '" + who.text + "' to reset");
  const std::optional<std::int64_t> user_id =
      target ? std::optional<std::int64_t>(target->id) : std::nullopt;
  if (drop) {
    work.exec_params("DELETE FROM admin.person_links WHERE kind = $1 AND identity = $2", kind,
                     who.text);
  } else {
    work.exec_params(
        "INSERT INTO admin.person_links (kind, identity, user_id, linked_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (kind, identity) DO UPDATE SET user_id = excluded.user_id, "
        "linked_by = excluded.linked_by, linked_at = excluded.linked_at",
        kind, who.text, user_id, author.by);
  }
  std::optional<std::int64_t> previous_user;
  if (!previous.empty() && !previous[0][0].is_null()) previous_user = previous[0][0].as<std::int64_t>();
  work.exec_params(
      "INSERT INTO admin.person_link_audit (by, action, kind, identity, user_id, user_login, "
      "previous_user_id, previous_decision, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      author.by, std::string(action), kind, who.text, user_id,
      target ? std::optional<std::string>(target->login) : std::nullopt, previous_user,
      !previous.empty(), author.note);
  work.commit();
}

std::string field_text(const pqxx::field& field) { return field.is_null() ? "-" : field.c_str(); }

std::vector<decision_line> lines_of(const pqxx::result& rows) {
  std::vector<decision_line> lines;
  for (const auto& row : rows) {
    std::string text;
    for (const auto& field : row) {
      if (!text.empty()) text += '\t';
      text += field_text(field);
    }
    lines.push_back({std::move(text)});
  }
  return lines;
}

}  // namespace

identity parse_identity(std::string_view kind, std::string_view text) {
  const auto value = lower(core::trim(text));
  if (kind == "email") {
    const auto at = value.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == value.size() ||
        value.find('@', at + 1) != std::string::npos)
      throw usage_error("--email '" + std::string(text) + "' is not an e-mail address");
    return {identity::kind_type::email, value};
  }
  if (value.empty() || value.find('@') != std::string::npos ||
      value.find_first_of(" \t\r\n") != std::string::npos)
    throw usage_error("--login '" + std::string(text) + "' is not a GitHub login");
  return {identity::kind_type::login, value};
}

account find_account(pqxx::transaction_base& work, std::string_view user) {
  const std::string name(core::trim(user));
  auto rows = work.exec_params(
      "SELECT id, login FROM github.users WHERE lower(login) = lower($1) ORDER BY seen_at DESC, id "
      "LIMIT 1",
      name);
  if (rows.empty())
    rows = work.exec_params(
        "SELECT u.id, u.login FROM github.user_logins l JOIN github.users u ON u.id = l.user_id "
        "WHERE lower(l.login) = lower($1) ORDER BY l.last_seen_at DESC, l.user_id DESC LIMIT 1",
        name);
  if (rows.empty())
    if (const auto id = plain_id(name))
      rows = work.exec_params("SELECT id, login FROM github.users WHERE id = $1", *id);
  if (rows.empty())
    throw refused("no GitHub account '" + name + "' is known (by login, former login or id) in " +
                  "github.users");
  return {rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>()};
}

void link(pqxx::connection& database, const identity& who, const account& target,
          const change_author& author) {
  record(database, "link", who, target, false, author);
}

void unlink(pqxx::connection& database, const identity& who, const change_author& author) {
  record(database, "unlink", who, std::nullopt, false, author);
}

void reset(pqxx::connection& database, const identity& who, const change_author& author) {
  record(database, "reset", who, std::nullopt, true, author);
}

std::vector<decision_line> list_decisions(pqxx::connection& database) {
  pqxx::read_transaction work(database);
  return lines_of(work.exec(
      "SELECT l.kind, l.identity, l.user_id, CASE WHEN l.user_id IS NULL THEN '(own)' "
      "ELSE coalesce(u.login, '?') END, l.linked_by, "
      "to_char(l.linked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM admin.person_links l LEFT JOIN github.users u ON u.id = l.user_id "
      "ORDER BY l.kind, l.identity"));
}

std::vector<decision_line> list_audit(pqxx::connection& database) {
  pqxx::read_transaction work(database);
  return lines_of(work.exec(
      "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), by, db_role, "
      "action, kind, identity, user_id, user_login, "
      "CASE WHEN NOT previous_decision THEN 'evidence' WHEN previous_user_id IS NULL THEN '(own)' "
      "ELSE previous_user_id::text END, note "
      "FROM admin.person_link_audit ORDER BY id"));
}

}  // namespace tributary::people
