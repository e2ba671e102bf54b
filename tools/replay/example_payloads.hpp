#pragma once

#include <string>
#include <vector>

namespace tributary::replay {

/// One example delivery of @octokit/webhooks-examples: its event and the payload as compact JSON.
struct example_payload {
  std::string event;
  std::string payload;
};

/// Every example of `index_json` (api.github.com/index.json: [{name, examples: [...]}, ...]) in
/// file order. Throws std::runtime_error when the file is missing or not in that shape.
std::vector<example_payload> load_example_payloads(const std::string& index_json);

/// tests/data/node_modules/@octokit/webhooks-examples/api.github.com/index.json under `root`.
std::string default_examples_file(const std::string& root);

}  // namespace tributary::replay
