#include "tests/harness/services.hpp"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

namespace tributary::testing {

test_services test_services::parse(std::string_view text) {
  test_services result;
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(position, end - position);
    position = end + 1;
    const std::size_t equals = line.find('=');
    if (line.empty() || line.front() == '#' || equals == std::string_view::npos) continue;
    // A later line wins: services.sh appends as each service comes up.
    result.values_.insert_or_assign(std::string(line.substr(0, equals)),
                                    std::string(line.substr(equals + 1)));
  }
  auto require = [&result](std::string_view key) {
    std::string value = result.value(key);
    if (value.empty())
      throw harness_error("services.env lacks " + std::string(key) +
                          " (did services_start fail? see its output)");
    return value;
  };
  result.database_url_ = require("TRIBUTARY_TEST_DATABASE_URL");
  result.bootstrap_servers_ = require("TRIBUTARY_TEST_BOOTSTRAP_SERVERS");
  result.broker_control_ = require("TRIBUTARY_TEST_BROKER_CONTROL");
  return result;
}

std::string test_services::value(std::string_view key) const {
  const auto found = values_.find(key);
  return found == values_.end() ? std::string() : found->second;
}

std::string required_environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    throw harness_error(std::string(name) +
                        " is not set: run integration tests through ctest (label integration)");
  return value;
}

const test_services& services() {
  static std::once_flag once;
  static std::optional<test_services> loaded;
  std::call_once(once, [] {
    const std::string path = required_environment("TRIBUTARY_HARNESS_ENV");
    std::ifstream in(path);
    if (!in) throw harness_error("cannot read " + path + " (the services_start test writes it)");
    std::stringstream text;
    text << in.rdbuf();
    loaded = test_services::parse(text.str());
  });
  return *loaded;
}

std::string bootstrap_servers() { return services().bootstrap_servers(); }

}  // namespace tributary::testing
