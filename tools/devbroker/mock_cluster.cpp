#include "tools/devbroker/mock_cluster.hpp"

#include <algorithm>
#include <type_traits>

#include "core/log.hpp"

namespace tributary::devbroker {
namespace {

const core::logger cluster_log("devbroker");

// The mock cluster reads request sizes against its owner's receive.message.max.bytes. Clients
// may batch up to their message.max.bytes (ours: 32 MiB, for GitHub's 25 MB payloads); this
// leaves room for any client configured up to 128 MiB.
constexpr const char* max_request_bytes = "134217728";

void route_librdkafka_log(const rd_kafka_t*, int level, const char* facility, const char* text) {
  // syslog levels: 0..3 errors, 4 warning, 5..6 notice/info, 7 debug.
  const core::log_level mapped = level <= 3   ? core::log_level::error
                                 : level == 4 ? core::log_level::warning
                                 : level <= 6 ? core::log_level::info
                                              : core::log_level::debug;
  cluster_log.write(mapped, "librdkafka", {{"facility", facility}, {"text", text}});
}

void set_property(rd_kafka_conf_t* conf, const char* name, const char* value) {
  char error[256];
  if (rd_kafka_conf_set(conf, name, value, error, sizeof error) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw cluster_error(std::string("librdkafka refused ") + name + ": " + error);
  }
}

void throw_if_error(rd_kafka_resp_err_t error, std::string_view what) {
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw cluster_error(std::string(what) + ": " + rd_kafka_err2str(error));
}

}  // namespace

mock_cluster::mock_cluster(int brokers) : broker_count_(brokers) {
  if (brokers < 1) throw cluster_error("a cluster needs at least one broker");
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set_property(conf, "receive.message.max.bytes", max_request_bytes);
  set_property(conf, "client.id", "tributary-devbroker");
  rd_kafka_conf_set_log_cb(conf, route_librdkafka_log);
  char error[512];
  owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);  // takes conf
  if (owner_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw cluster_error(std::string("librdkafka handle: ") + error);
  }
  cluster_ = rd_kafka_mock_cluster_new(owner_, brokers);
  if (cluster_ == nullptr) {
    rd_kafka_destroy(owner_);
    throw cluster_error("librdkafka could not create the mock cluster (ports?)");
  }
  bootstrap_servers_ = rd_kafka_mock_cluster_bootstraps(cluster_);
}

mock_cluster::~mock_cluster() {
  // The cluster's thread belongs to the owner handle: destroy the cluster first.
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(owner_);
}

void mock_cluster::require_broker(std::int32_t broker_id) const {
  if (broker_id != all_brokers && (broker_id < 1 || broker_id > broker_count_))
    throw cluster_error("no broker " + std::to_string(broker_id) + " (brokers are 1.." +
                        std::to_string(broker_count_) + ")");
}

void mock_cluster::create_topic(const std::string& name, int partitions) {
  throw_if_error(
      rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, std::min(3, broker_count_)),
      "create topic " + name);
  cluster_log.info("topic created", {{"topic", name}, {"partitions", partitions}});
}

void mock_cluster::set_broker_up(std::int32_t broker_id, bool up) {
  require_broker(broker_id);
  const std::int32_t first = broker_id == all_brokers ? 1 : broker_id;
  const std::int32_t last = broker_id == all_brokers ? broker_count_ : broker_id;
  for (std::int32_t id = first; id <= last; ++id) {
    throw_if_error(up ? rd_kafka_mock_broker_set_up(cluster_, id)
                      : rd_kafka_mock_broker_set_down(cluster_, id),
                   up ? "broker up" : "broker down");
  }
  cluster_log.info(up ? "broker up" : "broker down", {{"broker", broker_id}});
}

void mock_cluster::push_request_errors(std::int32_t broker_id, std::int16_t api_key,
                                       const std::vector<int>& error_codes) {
  require_broker(broker_id);
  if (broker_id == all_brokers) {
    std::vector<rd_kafka_resp_err_t> errors;
    for (const int code : error_codes) errors.push_back(static_cast<rd_kafka_resp_err_t>(code));
    rd_kafka_mock_push_request_errors_array(cluster_, api_key, errors.size(), errors.data());
  } else {
    // The per-broker call is variadic ((error, rtt) pairs); pushing one at a time keeps the
    // order, since each push appends to the broker's stack for that API.
    for (const int code : error_codes) {
      throw_if_error(
          rd_kafka_mock_broker_push_request_error_rtts(cluster_, broker_id, api_key, 1,
                                                       static_cast<rd_kafka_resp_err_t>(code), 0),
          "push errors");
    }
  }
  cluster_log.info("request errors pushed",
                   {{"broker", broker_id}, {"api_key", api_key}, {"count", error_codes.size()}});
}

std::string mock_cluster::apply(const control_command& command) {
  try {
    std::visit(
        [this](const auto& c) {
          using type = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<type, broker_state_command>) {
            set_broker_up(c.broker_id, c.up);
          } else if constexpr (std::is_same_v<type, push_errors_command>) {
            push_request_errors(c.broker_id, c.api_key, c.error_codes);
          } else if constexpr (std::is_same_v<type, create_topic_command>) {
            create_topic(c.name, c.partitions);
          }
        },
        command);
    return "ok";
  } catch (const cluster_error& e) {
    return std::string("error ") + e.what();
  }
}

}  // namespace tributary::devbroker
