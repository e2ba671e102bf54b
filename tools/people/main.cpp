// tributary-people: admins link a commit author's e-mail (or a login) to a GitHub account by hand,
// unlink it, or give the decision back to the evidence; every change leaves an audit row.
#include "core/migrations.hpp"
#include "core/settings.hpp"
#include "schemas/embedded_migrations.hpp"
#include "tools/people/person_links.hpp"

#include <pwd.h>
#include <unistd.h>

#include <iostream>
#include <optional>

namespace {

using namespace tributary;

constexpr std::string_view program = "tributary-people";

std::string current_user() {
  if (const auto* entry = getpwuid(getuid()); entry != nullptr) return entry->pw_name;
  return "uid " + std::to_string(getuid());
}

constexpr std::string_view summary =
    "Links a commit author's e-mail or a login to a GitHub account by hand (admin.person_links), "
    "overriding the evidence the deliveries carry; each change is audited in "
    "admin.person_link_audit.\n"
    "  tributary-people link   --email E | --login L  --user LOGIN|ID  [--by NAME] [--note TEXT]\n"
    "  tributary-people unlink --email E | --login L  [--by NAME] [--note TEXT]   (stands on its own)\n"
    "  tributary-people reset  --email E | --login L  [--by NAME] [--note TEXT]   (the evidence decides)\n"
    "  tributary-people list   [--audit]";

people::identity identity_of(const core::settings& config) {
  const auto email = config.flag("--email");
  const auto login = config.flag("--login");
  if (email.has_value() == login.has_value())
    throw people::usage_error("give exactly one of --email and --login");
  return email ? people::parse_identity("email", *email) : people::parse_identity("login", *login);
}

int run(std::string_view command, const core::settings& config) {
  // Input is checked before any connection, so a typo is one line whatever the database does.
  std::optional<people::identity> who;
  std::optional<std::string> user;
  if (command != "list") {
    who = identity_of(config);
    user = config.flag("--user");
    if (command == "link" && !user) throw people::usage_error("link needs --user LOGIN|ID");
    if (command != "link" && user) throw people::usage_error("--user is for link only");
  }
  const people::change_author author{config.flag("--by").value_or(current_user()),
                                     config.flag("--note")};
  if (author.by.empty()) throw people::usage_error("--by must name someone");

  pqxx::connection database(config.get("DATABASE_URL"));
  core::require_current_schema(database, schemas::all_migrations());
  if (command == "list") {
    const auto lines = config.flag("--audit") ? people::list_audit(database)
                                              : people::list_decisions(database);
    for (const auto& line : lines) std::cout << line.text << '\n';
    return 0;
  }
  const auto what = std::string(who->kind_name()) + " '" + who->text + "'";
  if (command == "link") {
    people::account target;
    {
      pqxx::read_transaction work(database);
      target = people::find_account(work, *user);
    }
    people::link(database, *who, target, author);
    std::cout << "linked " << what << " to " << target.login << " (id " << target.id << ")\n";
  } else if (command == "unlink") {
    people::unlink(database, *who, author);
    std::cout << "unlinked " << what << ": it stands on its own\n";
  } else {
    people::reset(database, *who, author);
    std::cout << "reset " << what << ": the evidence decides\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc >= 2 ? std::string_view(argv[1]) : std::string_view();
  const bool known = command == "link" || command == "unlink" || command == "reset" || command == "list";
  const std::vector<core::setting_spec> specs{core::common_settings::database_url(),
                                              core::common_settings::log_level()};
  const std::vector<core::flag_spec> flags{
      {"--email", "the commit author e-mail the decision is about", true},
      {"--login", "the login the decision is about (a former login, say)", true},
      {"--user", "link: the account, by its login (current or former) or id", true},
      {"--by", "who decides (default: the OS user)", true},
      {"--note", "why, for the audit trail", true},
      {"--audit", "list: the audit trail instead of the decisions in force"}};
  // The settings see what follows the subcommand (--help, --config FILE and the flags above).
  std::vector<char*> rest{argv[0]};
  for (int index = known ? 2 : 1; index < argc; ++index) rest.push_back(argv[index]);
  const auto config = core::settings::load_or_exit(program, summary, specs,
                                                   static_cast<int>(rest.size()), rest.data(), flags);
  if (!known) {
    std::cerr << program << ": usage: " << program
              << " link|unlink|reset|list [--email E | --login L] [--user LOGIN|ID] (see --help)\n";
    return 2;
  }
  try {
    return run(command, config);
  } catch (const people::usage_error& error) {
    std::cerr << program << ": " << error.what() << '\n';
    return 2;
  } catch (const people::refused& error) {
    std::cerr << program << ": " << error.what() << '\n';
    return 1;
  } catch (const core::migration_error& error) {
    std::cerr << program << ": " << error.what() << '\n';
    return 1;
  } catch (const pqxx::broken_connection&) {
    // libpq's message may quote the connection string; say only what failed.
    std::cerr << program << ": cannot connect to the database named by DATABASE_URL\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << program << ": " << error.what() << '\n';
    return 1;
  }
}
