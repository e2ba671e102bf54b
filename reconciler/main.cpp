// tributary-reconciler: makes the numbers complete and true against GitHub's REST API by
// publishing synthetic events for what webhooks missed (ARCHITECTURE.md invariant 7).
#include "core/kafka_producer.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/migrations.hpp"
#include "core/settings.hpp"
#include "reconciler/bookkeeping.hpp"
#include "reconciler/github_client.hpp"
#include "reconciler/reconcile_run.hpp"
#include "reconciler/reconcile_settings.hpp"
#include "reconciler/reconciler_metrics.hpp"
#include "schemas/embedded_migrations.hpp"

#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

namespace {

using namespace tributary;

std::atomic<bool> stopping{false};

extern "C" void request_stop(int) { stopping.store(true); }

constexpr std::string_view program = "tributary-reconciler";

std::string current_user() {
  if (const auto* entry = getpwuid(getuid()); entry != nullptr) return entry->pw_name;
  return "uid " + std::to_string(getuid());
}

/// `targets add|list|remove [TARGET]`: the table github.reconcile_targets.
int manage_targets(int argc, char** argv) {
  const std::vector<std::string> words(argv + 2, argv + std::min(argc, 4));
  if (words.empty() || (words[0] != "list" && words.size() < 2) ||
      (words[0] != "add" && words[0] != "list" && words[0] != "remove")) {
    std::cerr << program << ": usage: " << program << " targets add|remove ORG|OWNER/REPO, or "
              << program << " targets list\n";
    return 2;
  }
  std::vector<core::setting_spec> specs{core::common_settings::database_url(),
                                        core::common_settings::log_level()};
  if (words[0] == "add")
    for (auto& spec : reconciler::github_setting_specs()) specs.push_back(std::move(spec));
  // The settings see only what follows the subcommand and its target (--config FILE, --help).
  const int consumed = words[0] == "list" ? 3 : 4;
  std::vector<char*> rest{argv[0]};
  for (int index = consumed; index < argc; ++index) rest.push_back(argv[index]);
  const auto config = core::settings::load_or_exit(
      "tributary-reconciler targets", "Adds, lists or removes reconciler targets.", specs,
      static_cast<int>(rest.size()), rest.data());
  try {
    pqxx::connection database(config.get("DATABASE_URL"));
    core::require_current_schema(database, schemas::all_migrations());
    if (words[0] == "list") {
      for (const auto& target : reconciler::list_targets(database))
        std::cout << target.target << '\t' << target.added_by << '\t' << target.added_at << '\n';
      return 0;
    }
    const auto target = reconciler::parse_target(words[1]);
    if (words[0] == "remove") {
      if (!reconciler::remove_target(database, target)) {
        std::cerr << program << ": target '" << target.text() << "' is not registered\n";
        return 1;
      }
      std::cout << "removed " << target.text() << '\n';
      return 0;
    }
    reconciler::github_client client(reconciler::make_github_config(config));
    try {
      reconciler::check_target_visible(client, target);
    } catch (const reconciler::api_error& error) {
      if (error.status != 404) throw;
      std::cerr << program << ": target '" << target.text() << "' does not exist or is not "
                << "visible to these credentials (GitHub answered 404)\n";
      return 1;
    }
    std::cout << (reconciler::add_target(database, target, current_user()) ? "added "
                                                                           : "already registered: ")
              << target.text() << '\n';
    return 0;
  } catch (const core::settings_error& error) {
    std::cerr << program << ": " << error.what() << '\n';
    return 2;
  } catch (const std::exception& error) {
    std::cerr << program << ": " << error.what() << '\n';
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "targets") return manage_targets(argc, argv);
  const auto specs = reconciler::reconciler_setting_specs();
  const std::vector<core::flag_spec> flags{
      {"--once", "run one pass over every target and exit: 0 unless a target failed or was not "
                 "found (for a CronJob)"}};
  const auto config = core::settings::load_or_exit(
      program,
      "Compares GitHub's REST API with the database and publishes synthetic events for what "
      "webhooks missed. Also: `tributary-reconciler targets add|list|remove [ORG|OWNER/REPO]`.",
      specs, argc, argv, flags);
  const core::logger log("reconciler");
  try {
    const auto github = reconciler::make_github_config(config);
    const auto run = reconciler::make_run_config(config);
    const bool once = config.flag("--once").has_value();
    std::signal(SIGTERM, request_stop);
    std::signal(SIGINT, request_stop);

    core::metrics_server metrics_server(config.get("METRICS_LISTEN"));
    reconciler::reconciler_metrics metrics(metrics_server.registry());
    std::atomic<bool> ready{false};
    metrics_server.set_readiness([&ready] { return ready.load(); });

    pqxx::connection database(config.get("DATABASE_URL"));
    core::require_current_schema(database, schemas::all_migrations());
    auto kafka = config.kafka_properties();
    if (!kafka.contains("client.id")) kafka["client.id"] = "tributary-reconciler";
    core::kafka_producer producer(kafka);
    reconciler::event_publisher publisher(producer, config.get("KAFKA_TOPIC"));
    ready = true;
    log.info("started", {{"topic", config.get("KAFKA_TOPIC")},
                         {"metrics_port", static_cast<std::int64_t>(metrics_server.port())},
                         {"once", once},
                         {"hooks", static_cast<std::int64_t>(run.hooks.size())}});

    reconciler::run_environment environment{github, run, database, publisher, &metrics,
                                            stopping, log, {}};
    bool succeeded = true;
    while (!stopping.load()) {
      const auto records = reconciler::run_pass(environment);
      succeeded = reconciler::pass_succeeded(records);
      log.info("pass finished", {{"targets", static_cast<std::int64_t>(records.size())},
                                 {"succeeded", succeeded}});
      if (once) break;
      // Sleeps in small steps so that SIGTERM is honoured at once.
      const auto next = std::chrono::steady_clock::now() + run.interval;
      while (!stopping.load() && std::chrono::steady_clock::now() < next)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    log.info("stopped");
    return succeeded ? 0 : 1;
  } catch (const core::settings_error& error) {
    std::cerr << program << ": " << error.what() << '\n';
    return 2;
  } catch (const core::migration_error& error) {
    log.error("schema mismatch", {{"reason", error.what()}});
    std::cerr << program << ": " << error.what() << '\n';
    return 1;
  } catch (const std::exception& error) {
    log.error("fatal", {{"reason", std::string_view(error.what())}});
    return 1;
  }
}
