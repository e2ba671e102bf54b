#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

/// What integration tests use to reach the shared test services (see tests/harness/README.md).
namespace tributary::testing {

/// The harness can't find or read what it needs (services.env, test data, a control reply).
struct harness_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The services started by the CTest fixture `tributary_services`, as services.sh wrote them to
/// the file named by TRIBUTARY_HARNESS_ENV. Read once, then immutable: any thread may read it.
class test_services {
 public:
  /// Parses KEY=VALUE lines. Throws harness_error when a required key is missing.
  static test_services parse(std::string_view text);

  /// The superuser URL of database `postgres`.
  const std::string& database_url() const { return database_url_; }
  const std::string& bootstrap_servers() const { return bootstrap_servers_; }
  /// "127.0.0.1:PORT" of the devbroker's control channel.
  const std::string& broker_control() const { return broker_control_; }
  /// Any key of the file, e.g. TRIBUTARY_TEST_SERVICES_DIR; empty when absent.
  std::string value(std::string_view key) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::string database_url_;
  std::string bootstrap_servers_;
  std::string broker_control_;
};

/// The services of this test run (the file is read on first use). Throws harness_error with a
/// hint when TRIBUTARY_HARNESS_ENV is unset or its file is missing: the test must run under
/// CTest, which starts the services first.
const test_services& services();

/// The devbroker's bootstrap list.
std::string bootstrap_servers();

/// An environment variable the test run must set (TRIBUTARY_BUILD_DIR, TRIBUTARY_SOURCE_DIR...);
/// throws harness_error naming it when unset.
std::string required_environment(const char* name);

}  // namespace tributary::testing
