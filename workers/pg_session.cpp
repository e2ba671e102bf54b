#include "workers/pg_session.hpp"

namespace tributary::workers {

pg_session::pg_session(std::string url, std::function<void(pqxx::connection&)> on_connect)
    : url_(std::move(url)), on_connect_(std::move(on_connect)) {}

pqxx::connection& pg_session::connection() {
  if (!connection_) {
    auto fresh = std::make_unique<pqxx::connection>(url_);
    {
      pqxx::nontransaction setup(*fresh);
      setup.exec("SET application_name = 'tributary-worker'");
    }
    if (on_connect_) on_connect_(*fresh);
    connection_ = std::move(fresh);
  }
  return *connection_;
}

}  // namespace tributary::workers
