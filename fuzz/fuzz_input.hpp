#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

/// How the harnesses read one fuzzer input, and how the seed writer builds one (so the two never
/// disagree). An input is a flags byte, then `Lines` values each ended by '\n' (HTTP and Kafka
/// header values as the harness uses them), then the body: every byte left, newlines included.
/// A short input leaves the missing values and the body empty. Header values never hold '\n' on
/// the wire, so the separator costs the fuzzer nothing it could usefully reach.
namespace tributary::fuzz {

template <std::size_t Lines>
struct framed_input {
  std::uint8_t flags = 0;
  std::array<std::string_view, Lines> lines{};
  std::string_view body;

  bool flag(unsigned bit) const { return (flags >> bit) & 1U; }
};

template <std::size_t Lines>
framed_input<Lines> read_input(std::string_view data) {
  framed_input<Lines> input;
  if (data.empty()) return input;
  input.flags = static_cast<std::uint8_t>(data.front());
  data.remove_prefix(1);
  for (auto& line : input.lines) {
    const auto end = data.find('\n');
    if (end == std::string_view::npos) {
      line = data;
      return input;  // no body
    }
    line = data.substr(0, end);
    data.remove_prefix(end + 1);
  }
  input.body = data;
  return input;
}

template <std::size_t Lines>
std::string write_input(const framed_input<Lines>& input) {
  std::string data(1, static_cast<char>(input.flags));
  for (const auto line : input.lines) {
    data.append(line);
    data.push_back('\n');
  }
  data.append(input.body);
  return data;
}

/// fuzz_delivery: the request headers ingest reads, in this order. Flag bit 0: sign the body with
/// `delivery_secret` (the signature line is then ignored), so most inputs reach parse_delivery;
/// without it the signature line is the X-Hub-Signature-256 value as sent.
enum delivery_line : std::size_t {
  line_event, line_delivery, line_hook_id, line_target_type, line_target_id, line_content_type,
  line_signature, delivery_lines
};
inline constexpr unsigned delivery_flag_sign = 0;
inline constexpr std::string_view delivery_secret = "fuzz-secret";

/// fuzz_event: the Kafka headers decode_message reads, in this order, then the message timestamp
/// as decimal milliseconds. Flag bits 0 to 4: the header of line 0 to 4 is present; bit 5: the
/// value is null (a tombstone) rather than the body; bit 6: the timestamp is present; bit 7: a
/// github-event header without a value comes first (decode_message must skip it).
enum event_line : std::size_t {
  line_github_event, line_github_delivery, line_received_at, line_source, line_github_hook_id,
  line_timestamp, event_lines
};
inline constexpr unsigned event_flag_null_value = 5;
inline constexpr unsigned event_flag_timestamp = 6;
inline constexpr unsigned event_flag_valueless_event = 7;

/// fuzz_folds: no lines; the flags byte picks the event (modulo the number of folded event names,
/// workers::folded_event_names()) and the body is the payload.
inline constexpr std::size_t folds_lines = 0;

}  // namespace tributary::fuzz
