#pragma once

#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace tributary::core {

/// A component's Prometheus registry and the small HTTP server that shows it and the process's
/// health, at METRICS_LISTEN, on a thread of its own for the life of the object:
/// - `GET /metrics`: the registry in Prometheus' text format;
/// - `GET /healthz`: 200 while the process serves;
/// - `GET /readyz`: 200 while the readiness callback says ready (always, until one is set),
///   else 503.
/// Every connection has deadlines (10 s to send a request, 10 s to take the answer), a header
/// limit (8 KiB), no body, and at most 32 are served at once (more are closed at once).
/// Components create their metric families on `registry()` once at start-up; any thread may
/// call `set_readiness`.
class metrics_server {
 public:
  explicit metrics_server(const std::string& listen_address);  // throws settings_error
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  prometheus::Registry& registry() { return *registry_; }
  /// The bound port (useful with port 0 in tests).
  std::uint16_t port() const;

  /// What /readyz asks from now on; called on the server's thread, so it must be cheap and
  /// thread-safe (reading an atomic, typically).
  void set_readiness(std::function<bool()> ready);

 private:
  class http_server;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<http_server> server_;
};

}  // namespace tributary::core
