#include "core/metrics.hpp"

#include <prometheus/exposer.h>

#include "core/settings.hpp"

namespace tributary::core {

metrics_server::metrics_server(const std::string& listen_address)
    : registry_(std::make_shared<prometheus::Registry>()) {
  const auto address = parse_listen_address(listen_address);
  const auto bind = (address.host.find(':') != std::string::npos ? "[" + address.host + "]"
                                                                  : address.host) +
                    ":" + std::to_string(address.port);
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(bind, 2);
  } catch (const std::exception& error) {
    throw settings_error("METRICS_LISTEN: cannot listen on " + bind + ": " + error.what());
  }
  exposer_->RegisterCollectable(registry_);
}

metrics_server::~metrics_server() = default;

std::uint16_t metrics_server::port() const {
  const auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : static_cast<std::uint16_t>(ports.front());
}

}  // namespace tributary::core
