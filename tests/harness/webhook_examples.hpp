#pragma once

#include <string>
#include <vector>

namespace tributary::testing {

/// One of GitHub's published example deliveries (@octokit/webhooks-examples, pinned in
/// tests/data/package.json).
struct example_payload {
  std::string event;    // X-GitHub-Event, e.g. "pull_request"
  std::string action;   // the payload's "action", empty for events without one (push, create...)
  std::string payload;  // the payload as compact JSON text
};

/// Every example of api.github.com/index.json (329 over 58 events in the pinned version), in file
/// order. The file is found through TRIBUTARY_SOURCE_DIR. Throws harness_error when it is
/// missing (run scripts/setup.sh) or malformed.
std::vector<example_payload> load_webhook_examples();

}  // namespace tributary::testing
