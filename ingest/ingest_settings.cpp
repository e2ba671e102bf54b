#include "ingest/ingest_settings.hpp"

#include "core/text.hpp"

#include <thread>

namespace tributary::ingest {
namespace {

std::size_t positive(const core::settings& settings, std::string_view name) {
  const auto value = settings.get_int(name);
  if (value <= 0) throw core::settings_error(std::string(name) + " must be a positive integer");
  return static_cast<std::size_t>(value);
}

std::chrono::milliseconds positive_duration(const core::settings& settings, std::string_view name) {
  const auto value = settings.get_duration(name);
  if (value.count() <= 0) throw core::settings_error(std::string(name) + " must be a positive duration");
  return value;
}

}  // namespace

std::vector<core::setting_spec> ingest_setting_specs() {
  return {
      core::common_settings::kafka_bootstrap_servers(),
      core::common_settings::kafka_topic(),
      {"INGEST_LISTEN", "0.0.0.0:8443", "address:port of the webhook endpoint (port 0: any free port, logged)"},
      {"INGEST_TLS_CERT", "", "PEM certificate chain; with INGEST_TLS_KEY enables HTTPS, and plain HTTP on the port is refused (400) except GET /healthz and /readyz, unless INGEST_ALLOW_PLAINTEXT"},
      {"INGEST_TLS_KEY", "", "PEM private key of INGEST_TLS_CERT"},
      {"INGEST_PATH", "/webhooks/github", "the webhook path"},
      {"GITHUB_WEBHOOK_SECRET", "", "comma-separated webhook secrets; a signature under any one is accepted (rotation)", true, true},
      {"INGEST_MAX_BODY_BYTES", "26214400", "larger bodies are answered 413 (GitHub's cap is 25 MiB)"},
      {"INGEST_ALLOW_PLAINTEXT", "false", "with INGEST_TLS_CERT/KEY set, also serve webhooks over plain HTTP on the same port (only behind a proxy that terminates TLS)"},
      {"INGEST_MEMORY_BUDGET_BYTES", "201326592", "request bodies held in memory at once (192 MiB: fits a 512 MiB pod, see README); a request over it is answered 503 with Retry-After before its body is read; at least 4/3 of INGEST_MAX_BODY_BYTES"},
      {"INGEST_LARGE_BODY_BYTES", "1048576", "bodies larger than this together hold at most 3/4 of INGEST_MEMORY_BUDGET_BYTES, so small deliveries always find room"},
      core::common_settings::metrics_listen("0.0.0.0:9464"),
      core::common_settings::log_level(),
      {"INGEST_MAX_HEADER_BYTES", "32768", "larger request headers are answered 431"},
      {"INGEST_MAX_CONNECTIONS", "10000", "open connections beyond this are closed at once"},
      {"INGEST_THREADS", "0", "I/O threads; 0 means one per core"},
      {"INGEST_HEADER_TIMEOUT", "10s", "time allowed for the TLS handshake, and for a request's header (including a keep-alive wait)"},
      {"INGEST_BODY_TIMEOUT", "60s", "time allowed to read a request's body, and to write an answer"},
      {"INGEST_DRAIN_PERIOD", "5s", "on SIGTERM, how long /readyz answers 503 while ingest still accepts and serves (for load balancers to notice) before it closes its listener; 0s: none"},
      {"INGEST_SHUTDOWN_GRACE", "20s", "after the drain period, how long requests in flight may take to be answered before exit"},
      {"INGEST_RETRY_AFTER", "5s", "Retry-After of a 503 answer"},
      {"INGEST_READY_PROBE_INTERVAL", "1s", "how often /readyz asks the broker for metadata"},
      {"INGEST_READY_PROBE_TIMEOUT", "2s", "how long one readiness probe waits for the broker"},
  };
}

std::map<std::string, std::string> ingest_producer_defaults() {
  return {
      {"message.timeout.ms", "7000"},  // librdkafka notices expiry up to ~1 s late: 503 well before GitHub gives up at 10 s
      {"reconnect.backoff.ms", "100"},
      // Each request waits for its own message's acknowledgement: a linger is added to every
      // answer, and at low concurrency nothing else shares the batch it waits for. With 0 a
      // message is sent as soon as its partition's queue is idle, and while requests are in flight
      // the next ones queue behind them and leave together (BENCHMARKS.md: at 8 connections 2.7x
      // the requests/s of linger.ms=2; at 256 the same rate within noise, ~4 % more CPU).
      {"linger.ms", "0"},
      // librdkafka's default (1 GiB) would not fit the pod; 64 MiB still holds two 25 MiB payloads.
      {"queue.buffering.max.kbytes", "65536"},
  };
}

std::vector<std::string> split_secrets(std::string_view list) {
  std::vector<std::string> secrets;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto item = core::trim(list.substr(0, comma));
    if (!item.empty()) secrets.emplace_back(item);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return secrets;
}

ingest_config make_ingest_config(const core::settings& settings) {
  ingest_config config;
  config.listen = core::parse_listen_address(settings.get("INGEST_LISTEN"));
  config.path = settings.get("INGEST_PATH");
  if (config.path.empty() || config.path.front() != '/')
    throw core::settings_error("INGEST_PATH must start with /");

  const auto cert = settings.find("INGEST_TLS_CERT").value_or("");
  const auto key = settings.find("INGEST_TLS_KEY").value_or("");
  if (cert.empty() != key.empty())
    throw core::settings_error("INGEST_TLS_CERT and INGEST_TLS_KEY must be set together");
  if (!cert.empty()) config.tls = tls_files{cert, key};

  config.secrets = split_secrets(settings.find("GITHUB_WEBHOOK_SECRET").value_or(""));
  if (config.secrets.empty())
    throw core::settings_error("GITHUB_WEBHOOK_SECRET (or GITHUB_WEBHOOK_SECRET_FILE) is required");

  config.topic = settings.get("KAFKA_TOPIC");
  config.metrics_listen = settings.get("METRICS_LISTEN");
  config.max_body_bytes = positive(settings, "INGEST_MAX_BODY_BYTES");
  config.max_header_bytes = positive(settings, "INGEST_MAX_HEADER_BYTES");
  config.max_connections = positive(settings, "INGEST_MAX_CONNECTIONS");
  const auto threads = settings.get_int("INGEST_THREADS");
  if (threads < 0) throw core::settings_error("INGEST_THREADS must be 0 or more");
  config.threads = threads > 0 ? static_cast<unsigned>(threads)
                               : std::max(1u, std::thread::hardware_concurrency());
  config.header_timeout = positive_duration(settings, "INGEST_HEADER_TIMEOUT");
  config.body_timeout = positive_duration(settings, "INGEST_BODY_TIMEOUT");
  config.memory_budget_bytes = positive(settings, "INGEST_MEMORY_BUDGET_BYTES");
  config.large_body_bytes = positive(settings, "INGEST_LARGE_BODY_BYTES");
  // A body the size of the limit must fit in the large bodies' share of the budget.
  if (config.memory_budget_bytes / 4 * 3 < config.max_body_bytes)
    throw core::settings_error(
        "INGEST_MEMORY_BUDGET_BYTES must be at least 4/3 of INGEST_MAX_BODY_BYTES");
  config.allow_plaintext = settings.get_bool("INGEST_ALLOW_PLAINTEXT");
  config.drain_period = settings.get_duration("INGEST_DRAIN_PERIOD");
  if (config.drain_period.count() < 0)
    throw core::settings_error("INGEST_DRAIN_PERIOD must not be negative");
  config.shutdown_grace = positive_duration(settings, "INGEST_SHUTDOWN_GRACE");
  config.retry_after = std::chrono::ceil<std::chrono::seconds>(
      positive_duration(settings, "INGEST_RETRY_AFTER"));
  config.ready_probe_interval = positive_duration(settings, "INGEST_READY_PROBE_INTERVAL");
  config.ready_probe_timeout = positive_duration(settings, "INGEST_READY_PROBE_TIMEOUT");

  config.producer_properties = ingest_producer_defaults();
  for (const auto& [name, value] : settings.kafka_properties()) config.producer_properties[name] = value;
  return config;
}

}  // namespace tributary::ingest
