#pragma once

#include "tools/replay/webhook_request.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tributary::replay {

/// tributary-replay's command line.
struct replay_options {
  std::string url;
  std::string secret;               // --secret, else GITHUB_WEBHOOK_SECRET's first entry
  bool examples = false;            // every example of @octokit/webhooks-examples
  std::string examples_file;        // empty: the pinned copy in the source tree
  std::vector<std::string> files;   // payload files, sent byte for byte
  std::string event;                // X-GitHub-Event of the files
  unsigned concurrency = 4;
  std::optional<std::size_t> count;  // default: each payload once
  double form_share = 0;            // share of requests sent form-encoded, 0..1
  bool insecure = false;            // accept any TLS certificate
  hook_identity hook;
  bool help = false;
};

/// Parses `arguments` (without the program name); throws std::invalid_argument with one line.
replay_options parse_replay_options(const std::vector<std::string>& arguments,
                                    const std::map<std::string, std::string>& environment);

std::string replay_help();

/// Whether request `index` goes form-encoded so that `share` of them do, spread evenly.
bool form_encoded_at(std::size_t index, double share);

}  // namespace tributary::replay
