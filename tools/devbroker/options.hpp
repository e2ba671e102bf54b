#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace tributary::devbroker {

/// The devbroker's command line.
struct options {
  int brokers = 3;
  int partitions = 12;
  std::vector<std::string> topics;  // github.webhooks when none is given
  std::string bootstrap_file;       // empty: not written
  std::string control_file;         // empty: not written
  bool help = false;
};

/// A bad command line; `what()` is the one line printed before exiting 2.
struct options_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parses `arguments` (without the program name). Throws options_error.
options parse_options(const std::vector<std::string>& arguments);

/// The text of --help.
std::string options_help();

}  // namespace tributary::devbroker
