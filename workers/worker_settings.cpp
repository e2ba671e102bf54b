#include "workers/worker_settings.hpp"

namespace tributary::workers {

std::vector<core::setting_spec> worker_setting_specs() {
  namespace common = core::common_settings;
  return {
      common::kafka_bootstrap_servers(),
      common::kafka_topic(),
      common::database_url(),
      {"WORKER_GROUP_ID", "tributary-worker", "Kafka consumer group of the workers."},
      common::metrics_listen("0.0.0.0:9465"),
      common::log_level(),
      {"WORKER_BATCH_SIZE", "500",
       "Most messages applied in one PostgreSQL transaction (one offset commit)."},
      {"WORKER_BATCH_WAIT", "200ms",
       "How long a poll waits for the first message of a batch (also how quickly a stop is seen)."},
      {"WORKER_RETRY_MAX_BACKOFF", "10s",
       "Longest pause between retries of a failing database attempt (doubling from 100ms), and "
       "between waits for the database at start (doubling from 500ms)."},
      {"RAW_RETENTION_MONTHS", "13",
       "Months of raw payloads kept in github.webhook_events before the current one; older "
       "monthly partitions are dropped. 0 keeps them forever."},
  };
}

std::vector<core::setting_spec> refold_setting_specs() {
  namespace common = core::common_settings;
  return {
      common::database_url(),
      common::log_level(),
      {"REFOLD_BATCH_SIZE", "500", "Deliveries folded in one transaction by a refold."},
      {"REFOLD_PROGRESS_INTERVAL", "10s",
       "How often a refold logs its progress and rate (line 'refold progress')."},
  };
}

core::flag_spec refold_flag() {
  return {"--refold",
          "Rebuild every derived table of schema github from the raw deliveries "
          "(github.webhook_events) and swap them in, then exit; live workers keep folding. "
          "'tributary-worker --refold --help' lists its settings (no Kafka needed).",
          false};
}

}  // namespace tributary::workers
