#include "tools/devbroker/control_command.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <utility>

namespace tributary::devbroker {
namespace {

/// The Kafka protocol's request types that the mock cluster serves (and ApiVersion spelled both
/// ways, as librdkafka and Kafka name it).
constexpr std::array<std::pair<std::string_view, std::int16_t>, 27> api_keys{{
    {"Produce", 0},
    {"Fetch", 1},
    {"ListOffsets", 2},
    {"Offset", 2},
    {"Metadata", 3},
    {"OffsetCommit", 8},
    {"OffsetFetch", 9},
    {"FindCoordinator", 10},
    {"JoinGroup", 11},
    {"Heartbeat", 12},
    {"LeaveGroup", 13},
    {"SyncGroup", 14},
    {"DescribeGroups", 15},
    {"ListGroups", 16},
    {"SaslHandshake", 17},
    {"ApiVersion", 18},
    {"ApiVersions", 18},
    {"CreateTopics", 19},
    {"DeleteTopics", 20},
    {"DeleteRecords", 21},
    {"InitProducerId", 22},
    {"OffsetForLeaderEpoch", 23},
    {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25},
    {"EndTxn", 26},
    {"TxnOffsetCommit", 28},
    {"SaslAuthenticate", 36},
}};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

template <typename Integer>
std::optional<Integer> parse_integer(std::string_view text) {
  Integer value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') ++pos;
    if (pos > start) words.push_back(line.substr(start, pos - start));
  }
  return words;
}

std::int32_t parse_broker(std::string_view text) {
  if (iequals(text, "all")) return all_brokers;
  const auto id = parse_integer<std::int32_t>(text);
  if (!id || *id < 1) throw command_error("broker id must be a positive number or 'all'");
  return *id;
}

void require_arguments(const std::vector<std::string_view>& words, std::size_t min, std::size_t max,
                       std::string_view usage) {
  if (words.size() < min || words.size() > max) throw command_error("usage: " + std::string(usage));
}

}  // namespace

std::optional<std::int16_t> parse_api_key(std::string_view text) {
  if (const auto number = parse_integer<std::int16_t>(text)) {
    if (*number < 0) return std::nullopt;
    return number;
  }
  for (const auto& [name, key] : api_keys)
    if (iequals(name, text)) return key;
  return std::nullopt;
}

std::optional<int> parse_error_code(std::string_view text) {
  if (const auto number = parse_integer<int>(text)) {
    if (*number <= 0) return std::nullopt;  // 0 is "no error"; negatives are local to a client
    return number;
  }
  const rd_kafka_err_desc* descriptions = nullptr;
  std::size_t count = 0;
  rd_kafka_get_err_descs(&descriptions, &count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto& description = descriptions[i];
    if (description.name == nullptr || description.code <= 0) continue;
    if (iequals(description.name, text)) return static_cast<int>(description.code);
  }
  return std::nullopt;
}

bool valid_topic_name(std::string_view name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

control_command parse_control_command(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const auto words = split_words(line);
  if (words.empty()) throw command_error("empty command");
  const std::string_view verb = words.front();

  if (verb == "ping") {
    require_arguments(words, 1, 1, "ping");
    return ping_command{};
  }
  if (verb == "broker-down" || verb == "broker-up") {
    require_arguments(words, 2, 2, std::string(verb) + " ID|all");
    return broker_state_command{parse_broker(words[1]), verb == "broker-up"};
  }
  if (verb == "push-errors") {
    require_arguments(words, 4, std::numeric_limits<std::size_t>::max(),
                      "push-errors BROKER_ID|all API_KEY CODE [CODE...]");
    push_errors_command command;
    command.broker_id = parse_broker(words[1]);
    const auto api_key = parse_api_key(words[2]);
    if (!api_key) throw command_error("unknown API key '" + std::string(words[2]) + "'");
    command.api_key = *api_key;
    for (std::size_t i = 3; i < words.size(); ++i) {
      const auto code = parse_error_code(words[i]);
      if (!code) throw command_error("unknown error code '" + std::string(words[i]) + "'");
      command.error_codes.push_back(*code);
    }
    return command;
  }
  if (verb == "create-topic") {
    require_arguments(words, 3, 3, "create-topic NAME PARTITIONS");
    if (!valid_topic_name(words[1])) throw command_error("invalid topic name");
    const auto partitions = parse_integer<int>(words[2]);
    if (!partitions || *partitions < 1 || *partitions > 10000)
      throw command_error("partitions must be between 1 and 10000");
    return create_topic_command{std::string(words[1]), *partitions};
  }
  throw command_error("unknown command '" + std::string(verb) + "'");
}

}  // namespace tributary::devbroker
