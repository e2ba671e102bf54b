#include "core/settings.hpp"

#include "core/kafka_config.hpp"
#include "core/log.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

extern char** environ;

namespace tributary::core {
namespace {

/// key = value lines; '#' starts a comment line. Values may be quoted with "..." or '...'.
std::map<std::string, std::string> read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw settings_error("cannot read config file " + path);
  std::map<std::string, std::string> values;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string text(trim(line));
    if (text.empty() || text.front() == '#') continue;
    const auto equals = text.find('=');
    if (equals == std::string::npos)
      throw settings_error(path + ":" + std::to_string(number) + ": expected NAME = value");
    std::string value(trim(std::string_view(text).substr(equals + 1)));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    values[std::string(trim(std::string_view(text).substr(0, equals)))] = value;
  }
  return values;
}

std::string read_secret_file(const std::string& name, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw settings_error(name + "_FILE: cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  auto value = content.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  return value;
}

/// KAFKA_SECURITY_PROTOCOL → security.protocol
std::string kafka_property_name(std::string_view variable) {
  std::string name(variable.substr(6));
  for (auto& c : name) c = c == '_' ? '.' : static_cast<char>(std::tolower(c));
  return name;
}

}  // namespace

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    environment.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return environment;
}

settings settings::load(std::span<const setting_spec> specs, const std::vector<std::string>& argv,
                        const std::map<std::string, std::string>& environment,
                        std::span<const flag_spec> flags) {
  settings result;
  std::map<std::string, std::string> file_values;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const auto& argument = argv[i];
    if (argument == "--config") {
      if (i + 1 >= argv.size()) throw settings_error("--config needs a file name");
      file_values = read_config_file(argv[++i]);
      continue;
    }
    const auto flag = std::find_if(flags.begin(), flags.end(),
                                   [&](const flag_spec& f) { return f.name == argument; });
    if (flag == flags.end()) throw settings_error("unknown argument '" + argument + "' (see --help)");
    if (flag->takes_value) {
      if (i + 1 >= argv.size()) throw settings_error(argument + " needs a value");
      result.flags_[argument] = argv[++i];
    } else {
      result.flags_[argument] = "";
    }
  }

  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    if (auto it = environment.find(name); it != environment.end()) return it->second;
    if (auto it = file_values.find(name); it != file_values.end()) return it->second;
    return std::nullopt;
  };

  for (const auto& spec : specs) {
    auto value = lookup(spec.name);
    if (!value && spec.secret) {
      if (auto path = lookup(spec.name + "_FILE")) value = read_secret_file(spec.name, *path);
    }
    if (!value && !spec.default_value.empty()) value = spec.default_value;
    if (value && !value->empty()) {
      result.values_[spec.name] = *value;
    } else if (spec.required) {
      throw settings_error(spec.name + " is required: " + spec.help +
                           (spec.secret ? " (or set " + spec.name + "_FILE)" : ""));
    }
  }

  // An invalid LOG_LEVEL is an invalid setting like any other: one line and exit 2, not an abort.
  if (const auto level = result.find("LOG_LEVEL")) {
    try {
      static_cast<void>(logger::parse_level(*level));
    } catch (const std::invalid_argument&) {
      throw settings_error("LOG_LEVEL must be debug, info, warning or error, got '" + *level + "'");
    }
  }

  // Only librdkafka's own properties pass: a Kubernetes Service named kafka injects KAFKA_PORT,
  // KAFKA_SERVICE_HOST and the like into every pod, which must not stop a component starting.
  auto collect_kafka = [&](const std::map<std::string, std::string>& source) {
    for (const auto& [name, value] : source) {
      if (name.rfind("KAFKA_", 0) != 0 || name.size() <= 6 || name == "KAFKA_TOPIC") continue;
      // A projection, not a lambda: clang before 16 can't capture a structured binding.
      if (name != "KAFKA_BOOTSTRAP_SERVERS" &&
          std::ranges::find(specs, name, &setting_spec::name) != specs.end())
        continue;  // a setting of Tributary's own, such as KAFKA_TOPIC
      const auto property = kafka_property_name(name);
      if (is_kafka_property(property, value)) {
        result.kafka_[property] = value;
        result.ignored_kafka_.erase(name);
      } else if (!result.kafka_.contains(property)) {
        result.ignored_kafka_.insert(name);
      }
    }
  };
  collect_kafka(file_values);
  collect_kafka(environment);  // the environment wins over the file
  for (const auto& name : result.ignored_kafka_)
    logger("settings").warning("ignored: not a librdkafka property", {{"variable", name}});
  return result;
}

std::string settings::help_text(std::string_view program, std::string_view summary,
                                std::span<const setting_spec> specs,
                                std::span<const flag_spec> flags) {
  std::ostringstream out;
  out << program << ": " << summary << "\n\n"
      << "Usage: " << program << " [--config FILE]";
  for (const auto& flag : flags) out << " [" << flag.name << (flag.takes_value ? " VALUE]" : "]");
  out << "\n\nSettings come from the environment; --config FILE supplies NAME = value lines that\n"
         "the environment overrides.\n\n";
  if (!flags.empty()) {
    out << "Flags:\n";
    for (const auto& flag : flags) out << "  " << flag.name << "\n      " << flag.help << "\n";
    out << "\n";
  }
  out << "Settings:\n";
  for (const auto& spec : specs) {
    out << "  " << spec.name;
    if (spec.required) out << " (required)";
    else if (!spec.default_value.empty()) out << " (default: " << spec.default_value << ")";
    out << "\n      " << spec.help;
    if (spec.secret) out << " Also read from the file named by " << spec.name << "_FILE.";
    out << "\n";
  }
  if (std::any_of(specs.begin(), specs.end(),
                  [](const setting_spec& s) { return s.name == "KAFKA_BOOTSTRAP_SERVERS"; })) {
    out << "  KAFKA_<PROPERTY>\n      Any librdkafka property in upper snake case is passed through, e.g.\n"
           "      KAFKA_SECURITY_PROTOCOL=SASL_SSL sets security.protocol.\n";
  }
  return out.str();
}

settings settings::load_or_exit(std::string_view program, std::string_view summary,
                                std::span<const setting_spec> specs, int argc, char** argv,
                                std::span<const flag_spec> flags) {
  std::vector<std::string> arguments(argv + std::min(argc, 1), argv + argc);
  if (std::find_if(arguments.begin(), arguments.end(), [](const std::string& a) {
        return a == "--help" || a == "-h";
      }) != arguments.end()) {
    std::cout << help_text(program, summary, specs, flags);
    std::exit(0);
  }
  try {
    auto loaded = load(specs, arguments, process_environment(), flags);
    if (const auto level = loaded.find("LOG_LEVEL")) logger::set_threshold(logger::parse_level(*level));
    return loaded;
  } catch (const settings_error& error) {
    std::cerr << program << ": " << error.what() << "\n";
    std::exit(2);
  }
}

const std::string& settings::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw settings_error(std::string(name) + " is not set");
  return it->second;
}

std::optional<std::string> settings::find(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::int64_t settings::get_int(std::string_view name) const {
  const auto& text = get(name);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size())
    throw settings_error(std::string(name) + " must be a whole number, got '" + text + "'");
  return value;
}

std::chrono::milliseconds settings::get_duration(std::string_view name) const {
  const auto& text = get(name);
  double amount = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
  const std::string_view unit(end, text.data() + text.size() - end);
  double scale = -1;
  if (unit.empty() || unit == "s") scale = 1000;
  else if (unit == "ms") scale = 1;
  else if (unit == "m") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else if (unit == "d") scale = 86'400'000;
  if (error != std::errc{} || scale < 0 || amount < 0)
    throw settings_error(std::string(name) + " must be a duration like 500ms, 10s, 5m, 1h or 2d, got '" +
                         text + "'");
  return std::chrono::milliseconds(static_cast<std::int64_t>(amount * scale));
}

bool settings::get_bool(std::string_view name) const {
  auto text = get(name);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  throw settings_error(std::string(name) + " must be true or false, got '" + text + "'");
}

std::optional<std::string> settings::flag(std::string_view name) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return std::nullopt;
  return it->second;
}

listen_address parse_listen_address(std::string_view text) {
  listen_address address;
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw settings_error("invalid listen address '" + std::string(text) + "'");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      throw settings_error("invalid listen address '" + std::string(text) + "' (expected host:port)");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (error != std::errc{} || end != port.data() + port.size() || value > 65535)
    throw settings_error("invalid port in listen address '" + std::string(text) + "'");
  address.host = host.empty() ? "0.0.0.0" : std::string(host);
  address.port = static_cast<std::uint16_t>(value);
  return address;
}

namespace common_settings {

setting_spec kafka_bootstrap_servers() {
  return {"KAFKA_BOOTSTRAP_SERVERS", "", "Kafka broker list, host:port[,host:port...].", true};
}
setting_spec kafka_topic() {
  return {"KAFKA_TOPIC", "github.webhooks", "The event topic."};
}
setting_spec database_url() {
  return {"DATABASE_URL", "", "PostgreSQL connection string or URI (libpq).", true, true};
}
setting_spec metrics_listen(std::string default_address) {
  return {"METRICS_LISTEN", std::move(default_address),
          "address:port where Prometheus scrapes /metrics."};
}
setting_spec log_level() {
  return {"LOG_LEVEL", "info", "Lowest level logged: debug, info, warning or error."};
}

}  // namespace common_settings
}  // namespace tributary::core
