#pragma once

#include <cstdint>
#include <string>

namespace tributary::testing {

/// The shared test PostgreSQL stopped for the life of this object (`services.sh pg-stop`), and
/// always started again — same cluster, port and options (`services.sh pg-start`) — when start()
/// is called or, at the latest, when it is destroyed, however the test ends. It stops the
/// database of every test of the run: a test binary that uses it must be RUN_SERIAL in CTest.
/// One thread.
class postgres_stopped {
 public:
  postgres_stopped();  // throws std::runtime_error when the cluster does not stop
  ~postgres_stopped();
  postgres_stopped(const postgres_stopped&) = delete;
  postgres_stopped& operator=(const postgres_stopped&) = delete;

  /// Starts it again and waits until it accepts connections (idempotent). Throws
  /// std::runtime_error when it does not come back.
  void start();

 private:
  bool stopped_ = false;
};

/// The status of GET http://127.0.0.1:`port``path` (e.g. "/readyz"); 0 when nothing answers.
unsigned http_status(std::uint16_t port, const std::string& path);

/// The port of the worker's metrics and health endpoints, from its `serving metrics and health`
/// log line (logged before it waits for its database); 0 when `log` lacks it.
std::uint16_t health_port_in(const std::string& log);

/// How many lines of `text` contain `needle`.
std::size_t lines_with(const std::string& text, std::string_view needle);

}  // namespace tributary::testing
