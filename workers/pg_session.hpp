#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <memory>
#include <string>

namespace tributary::workers {

/// The worker's one PostgreSQL connection: opened on first use, its statements prepared by
/// `on_connect`, and dropped by `reset` after it broke so that the next use opens a new one.
/// Owns the connection; one thread.
class pg_session {
 public:
  pg_session(std::string url, std::function<void(pqxx::connection&)> on_connect);

  /// The open connection (connecting first if needed). Throws pqxx::broken_connection.
  pqxx::connection& connection();
  void reset() { connection_.reset(); }
  bool connected() const { return connection_ != nullptr; }

 private:
  std::string url_;
  std::function<void(pqxx::connection&)> on_connect_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace tributary::workers
