#include "core/log.hpp"
#include "core/settings.hpp"
#include "ingest/ingest_server.hpp"
#include "ingest/ingest_settings.hpp"

#include <iostream>

int main(int argc, char** argv) {
  using namespace tributary;
  const auto specs = ingest::ingest_setting_specs();
  const auto settings = core::settings::load_or_exit(
      "tributary-ingest", "Receives GitHub webhooks over HTTPS, verifies them, publishes them to Kafka.",
      specs, argc, argv);
  try {
    const auto config = ingest::make_ingest_config(settings);
    return ingest::run_ingest(config);
  } catch (const core::settings_error& error) {
    std::cerr << "tributary-ingest: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    core::logger("ingest").error("cannot start", {{"error", error.what()}});
    return 1;
  }
}
