#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tools/devbroker/control_command.hpp"

namespace tributary::devbroker {

/// The mock cluster refused a request; `what()` is the reason sent back after `error `.
struct cluster_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Owns librdkafka's mock cluster and the producer handle that librdkafka requires to own it (the
/// handle never produces; its threads run the cluster). Brokers listen on 127.0.0.1 at ports
/// chosen when it starts. Created and destroyed on one thread; the mock API queues each change
/// to the cluster's own thread, so the other methods may be called from any thread.
class mock_cluster {
 public:
  /// `brokers` brokers (ids 1..brokers). Throws cluster_error.
  explicit mock_cluster(int brokers);
  ~mock_cluster();
  mock_cluster(const mock_cluster&) = delete;
  mock_cluster& operator=(const mock_cluster&) = delete;

  /// "127.0.0.1:PORT,..." for clients' bootstrap.servers.
  const std::string& bootstrap_servers() const { return bootstrap_servers_; }
  int broker_count() const { return broker_count_; }

  /// Replication is min(3, brokers), as on a real cluster of that size.
  void create_topic(const std::string& name, int partitions);
  /// A down broker closes its connections and refuses new ones until it is set up again.
  void set_broker_up(std::int32_t broker_id, bool up);
  /// The next requests of `api_key` fail with `error_codes`, one each in order: on `broker_id`
  /// only, or on whichever broker serves them for all_brokers.
  void push_request_errors(std::int32_t broker_id, std::int16_t api_key,
                           const std::vector<int>& error_codes);

  /// Carries out one control command: "ok" or "error <reason>".
  std::string apply(const control_command& command);

 private:
  void require_broker(std::int32_t broker_id) const;

  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  int broker_count_ = 0;
  std::string bootstrap_servers_;
};

}  // namespace tributary::devbroker
