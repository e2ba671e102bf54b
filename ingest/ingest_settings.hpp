#pragma once

#include "core/settings.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tributary::ingest {

/// The TLS certificate chain and private key, both PEM files.
struct tls_files {
  std::string certificate_chain;
  std::string private_key;
};

/// Everything tributary-ingest reads at start-up, validated. Immutable afterwards.
struct ingest_config {
  core::listen_address listen;
  std::string path;
  std::optional<tls_files> tls;          // nothing: plain HTTP only
  std::vector<std::string> secrets;      // never logged
  std::string topic;
  std::string metrics_listen;
  std::size_t max_body_bytes = 0;
  std::size_t max_header_bytes = 0;
  std::size_t max_connections = 0;
  std::size_t memory_budget_bytes = 0;  // request bodies held at once (body_budget)
  std::size_t large_body_bytes = 0;     // bodies over this share part of the budget only
  bool allow_plaintext = false;         // with TLS configured: serve plain HTTP too
  unsigned threads = 0;
  std::chrono::milliseconds header_timeout{};
  std::chrono::milliseconds body_timeout{};
  std::chrono::milliseconds drain_period{};
  std::chrono::milliseconds shutdown_grace{};
  std::chrono::milliseconds ready_probe_interval{};
  std::chrono::milliseconds ready_probe_timeout{};
  std::chrono::seconds retry_after{};
  std::map<std::string, std::string> producer_properties;  // ingest defaults under KAFKA_*
};

/// The settings tributary-ingest declares (CONTRACT.md plus its own, with defaults).
std::vector<core::setting_spec> ingest_setting_specs();

/// Producer properties ingest needs over core's defaults: a delivery timeout under GitHub's 10 s,
/// quick reconnects so that a returning broker is used within a second, a bounded queue (part of
/// the memory arithmetic of ingest/README.md), and no linger (each answer waits for its message).
std::map<std::string, std::string> ingest_producer_defaults();

/// Validates `settings`; throws core::settings_error with one line naming the faulty setting.
ingest_config make_ingest_config(const core::settings& settings);

/// "a, b,,c" → {"a","b","c"}: the secrets of GITHUB_WEBHOOK_SECRET.
std::vector<std::string> split_secrets(std::string_view list);

}  // namespace tributary::ingest
