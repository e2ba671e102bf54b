#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

/// The devbroker: librdkafka's mock cluster in a process of its own, steered over a line protocol.
namespace tributary::devbroker {

/// Every broker of the cluster (`all` on the control channel).
inline constexpr std::int32_t all_brokers = -1;

/// `ping`: answers `ok` once the cluster serves.
struct ping_command {};

/// `broker-down ID|all` / `broker-up ID|all`.
struct broker_state_command {
  std::int32_t broker_id = all_brokers;
  bool up = false;
};

/// `push-errors BROKER_ID|all API_KEY CODE [CODE...]`: the next requests of that API (to that
/// broker, or to any broker for `all`) fail with these Kafka error codes, one each, in order.
struct push_errors_command {
  std::int32_t broker_id = all_brokers;
  std::int16_t api_key = 0;
  std::vector<int> error_codes;
};

/// `create-topic NAME PARTITIONS`.
struct create_topic_command {
  std::string name;
  int partitions = 0;
};

using control_command =
    std::variant<ping_command, broker_state_command, push_errors_command, create_topic_command>;

/// A control line that does not parse; `what()` is the reason sent back after `error `.
struct command_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parses one line of the control protocol (without its newline; a trailing '\r' is ignored).
/// Throws command_error.
control_command parse_control_command(std::string_view line);

/// A Kafka protocol API key by number ("0") or by name ("Produce", "fetch", "ApiVersions").
std::optional<std::int16_t> parse_api_key(std::string_view text);

/// A Kafka broker error code by number ("6") or by librdkafka's name without the prefix
/// ("NOT_LEADER_FOR_PARTITION", case-insensitive). Local (negative) librdkafka codes are refused:
/// a broker can't send them.
std::optional<int> parse_error_code(std::string_view text);

/// A topic name Kafka accepts: 1..249 characters of [A-Za-z0-9._-].
bool valid_topic_name(std::string_view name);

}  // namespace tributary::devbroker
