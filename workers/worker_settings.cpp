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

}  // namespace tributary::workers
