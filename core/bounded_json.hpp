#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace tributary::core {

/// The deepest nesting of objects and arrays a payload may have (the root object is level 1).
/// GitHub's own payloads nest at most 7 levels (all 329 examples of @octokit/webhooks-examples
/// 7.6.1, measured); user-defined parts (a deployment's `payload`, a repository_dispatch's
/// `client_payload`) may go deeper. 128 leaves those 18 times the room GitHub's objects use, and
/// stays far below the limits of the recursive parsers other teams' consumers may use (Python's
/// 1000-frame recursion limit, Jackson's default of 1000 levels).
inline constexpr std::size_t max_json_depth = 128;

/// Why a text is not an acceptable payload.
enum class json_verdict {
  ok,
  not_json,  // not one well-formed UTF-8 JSON document
  too_deep,  // well-formed as far as read, but nested deeper than the limit
};

/// What parsing or scanning said; `message` is a short English reason, empty when ok.
struct json_check {
  json_verdict verdict = json_verdict::ok;
  std::string message;
  bool ok() const { return verdict == json_verdict::ok; }
};

/// Parses `text` into `document` without recursion (rapidjson's iterative parser, so no input can
/// exhaust the stack), validating UTF-8 and refusing nesting deeper than `max_depth`. On failure
/// `document` holds whatever was read and must not be used. Pure.
json_check parse_bounded_json(rapidjson::Document& document, std::string_view text,
                              std::size_t max_depth = max_json_depth);

/// A payload read once without building a DOM: whether it is acceptable, whether its root is an
/// object, and its Kafka message key candidates (CONTRACT.md): the first `repository.full_name`,
/// `organization.login` and `sender.login` that are non-empty strings.
struct payload_scan {
  json_check check;
  bool root_is_object = false;
  std::string repository_full_name;
  std::string organization_login;
  std::string sender_login;
};

/// Scans `text` iteratively (no recursion, no DOM: the text is held once), with the same rules
/// as parse_bounded_json. A std::string because its terminating NUL lets an ASCII text be read
/// 16 bytes at a time (about 2.4 times fewer instructions on GitHub's examples). Pure.
payload_scan scan_payload(const std::string& text, std::size_t max_depth = max_json_depth);

}  // namespace tributary::core
