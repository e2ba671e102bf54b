#include "tools/devbroker/options.hpp"

#include <charconv>

#include "tools/devbroker/control_command.hpp"

namespace tributary::devbroker {
namespace {

int parse_count(const std::string& flag, const std::string& text, int max) {
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 1 || value > max)
    throw options_error(flag + " must be a number from 1 to " + std::to_string(max));
  return value;
}

}  // namespace

options parse_options(const std::vector<std::string>& arguments) {
  options result;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::string flag = arguments[i];
    std::string value;
    bool has_inline_value = false;
    if (const auto equals = flag.find('='); flag.starts_with("--") && equals != std::string::npos) {
      value = flag.substr(equals + 1);
      flag.erase(equals);
      has_inline_value = true;
    }
    if (flag == "--help" || flag == "-h") {
      result.help = true;
      continue;
    }
    const bool takes_value = flag == "--brokers" || flag == "--partitions" || flag == "--topic" ||
                             flag == "--bootstrap-file" || flag == "--control-file";
    if (!takes_value) throw options_error("unknown argument " + flag + " (see --help)");
    if (!has_inline_value) {
      if (i + 1 >= arguments.size()) throw options_error(flag + " needs a value");
      value = arguments[++i];
    }
    if (flag == "--brokers") {
      result.brokers = parse_count(flag, value, 64);
    } else if (flag == "--partitions") {
      result.partitions = parse_count(flag, value, 10000);
    } else if (flag == "--topic") {
      if (!valid_topic_name(value))
        throw options_error("--topic: invalid topic name '" + value + "'");
      result.topics.push_back(value);
    } else if (flag == "--bootstrap-file") {
      if (value.empty()) throw options_error("--bootstrap-file needs a path");
      result.bootstrap_file = value;
    } else {
      if (value.empty()) throw options_error("--control-file needs a path");
      result.control_file = value;
    }
  }
  if (result.topics.empty()) result.topics.push_back("github.webhooks");
  return result;
}

std::string options_help() {
  return R"(tributary-devbroker: librdkafka's mock Kafka cluster as a process, for development and tests.

Usage: tributary-devbroker [--brokers N] [--partitions N] [--topic NAME]... [--bootstrap-file PATH]
                           [--control-file PATH]

  --brokers N           brokers in the cluster, ids 1..N (default 3)
  --partitions N        partitions of each --topic (default 12); topics auto-created by clients
                        get librdkafka's fixed default of 4
  --topic NAME          a topic to create at start, replication min(3, brokers); repeatable
                        (default github.webhooks)
  --bootstrap-file PATH write the bootstrap list there (one line, atomically); removed at exit
  --control-file PATH   write the control channel's host:port there; removed at exit
  --help                this text

Once ready it prints `bootstrap.servers=<list>` and `control=127.0.0.1:<port>` on stdout.
Control channel (TCP, one line per command, one reply line `ok` or `error <reason>`):
  ping
  broker-down ID|all          broker-up ID|all
  push-errors BROKER_ID|all API_KEY CODE [CODE...]   API_KEY: number or name (Produce, Fetch,
                              Metadata, ...); CODE: Kafka error number or name (NOT_LEADER_FOR_PARTITION)
  create-topic NAME PARTITIONS
SIGTERM or SIGINT destroys the cluster, removes the files it wrote and exits 0.
)";
}

}  // namespace tributary::devbroker
