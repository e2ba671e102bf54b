#pragma once

#include <string>
#include <vector>

namespace tributary::testing {

/// One correctly signable but hostile body, built from GitHub's own examples
/// (@octokit/webhooks-examples) by breaking one thing, and what ingest must answer to it
/// (CONTRACT.md: 400 only when the body is not JSON or nests deeper than core::max_json_depth;
/// every other JSON body is GitHub's to send and gets 202). Which of them the worker can fold is
/// the worker's tests' to say: it must dead-letter what it can't, never stop.
struct hostile_payload {
  std::string name;   // e.g. "deep_arrays"
  std::string event;  // X-GitHub-Event
  std::string body;   // application/json
  unsigned ingest_status;  // 202 or 400
};

/// The set, in a fixed order: deep arrays (200,000) and deep objects (50,000); wrong types where
/// objects are expected; null users; ids out of range; times that are not times; a push of 20,000
/// commits; invalid UTF-8; NUL characters in strings; a number too large for a double; a body
/// that is JSON but not an object. Throws harness_error when the examples are missing.
std::vector<hostile_payload> hostile_payloads();

}  // namespace tributary::testing
