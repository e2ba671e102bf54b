#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::core {

/// One setting an executable reads (CONTRACT.md): its environment name, default and meaning.
struct setting_spec {
  std::string name;
  std::string default_value;  // empty with required=false: unset unless given
  std::string help;
  bool required = false;
  bool secret = false;  // also readable from NAME_FILE; never printed
};

/// A command-line flag of an executable (besides --help and --config FILE).
struct flag_spec {
  std::string name;  // e.g. "--once"
  std::string help;
  bool takes_value = false;
};

/// A missing or invalid setting: `what()` is the one line printed before a non-zero exit.
struct settings_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The settings of one process: environment over an optional `--config FILE` over defaults, plus
/// the `KAFKA_*` pass-through. Immutable once loaded; any thread may read it.
class settings {
 public:
  /// Loads settings for `specs` and the flags of `argv`. `--help` prints the list and exits 0;
  /// a missing or invalid setting (LOG_LEVEL included) or an unknown flag prints one line on
  /// stderr and exits 2. When LOG_LEVEL is among `specs`, sets the logger's threshold from it.
  static settings load_or_exit(std::string_view program, std::string_view summary,
                               std::span<const setting_spec> specs, int argc, char** argv,
                               std::span<const flag_spec> flags = {});

  /// The same without exiting or touching the logger: throws settings_error (also for a
  /// LOG_LEVEL that logger::parse_level refuses). `environment` replaces the process
  /// environment (for tests); `argv` excludes the program name.
  static settings load(std::span<const setting_spec> specs, const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& environment,
                       std::span<const flag_spec> flags = {});

  /// The text of --help.
  static std::string help_text(std::string_view program, std::string_view summary,
                               std::span<const setting_spec> specs,
                               std::span<const flag_spec> flags = {});

  /// The value of a declared setting; throws settings_error if it is unset.
  const std::string& get(std::string_view name) const;
  std::optional<std::string> find(std::string_view name) const;
  std::int64_t get_int(std::string_view name) const;  // throws settings_error if not an integer
  /// "500ms", "10s", "5m", "1h", "2d" or a plain number of seconds.
  std::chrono::milliseconds get_duration(std::string_view name) const;
  bool get_bool(std::string_view name) const;  // true/false/1/0/yes/no

  /// Flags given on the command line: `--once` → "", `--count 5` → "5".
  std::optional<std::string> flag(std::string_view name) const;

  /// librdkafka properties from `KAFKA_*` (KAFKA_SECURITY_PROTOCOL → security.protocol),
  /// KAFKA_BOOTSTRAP_SERVERS included, KAFKA_TOPIC excluded.
  const std::map<std::string, std::string>& kafka_properties() const { return kafka_; }
  /// `KAFKA_*` variables that name no librdkafka property (KAFKA_PORT from a Kubernetes Service
  /// link, say): left out, and logged once at warning when loaded.
  const std::set<std::string>& ignored_kafka_variables() const { return ignored_kafka_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, std::string, std::less<>> flags_;
  std::map<std::string, std::string> kafka_;
  std::set<std::string> ignored_kafka_;
};

/// Settings several executables share, so their names, defaults and help read alike everywhere.
namespace common_settings {
setting_spec kafka_bootstrap_servers();
setting_spec kafka_topic();
setting_spec database_url();
setting_spec metrics_listen(std::string default_address);
setting_spec log_level();
}  // namespace common_settings

/// The process environment as a map (for settings::load).
std::map<std::string, std::string> process_environment();

/// "host:port" → {host, port}; "[::1]:80" and ":9465" (any address) work too.
struct listen_address {
  std::string host;
  std::uint16_t port = 0;
};
listen_address parse_listen_address(std::string_view text);  // throws settings_error

}  // namespace tributary::core
