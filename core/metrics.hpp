#pragma once

#include <prometheus/registry.h>

#include <memory>
#include <string>

namespace prometheus {
class Exposer;
}

namespace tributary::core {

/// Serves one registry at http://METRICS_LISTEN/metrics for the life of the object (prometheus-cpp's
/// civetweb exposer, on its own threads). Components create their metric families on `registry()`
/// once at start-up.
class metrics_server {
 public:
  explicit metrics_server(const std::string& listen_address);
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  prometheus::Registry& registry() { return *registry_; }
  /// The bound port (useful with port 0 in tests).
  std::uint16_t port() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace tributary::core
