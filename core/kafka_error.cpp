#include "core/kafka_error.hpp"

namespace tributary::core {

bool is_retryable(RdKafka::ErrorCode code) {
  switch (code) {
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR__QUEUE_FULL:
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__TIMED_OUT_QUEUE:
    case RdKafka::ERR__RESOLVE:
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR__PURGE_QUEUE:
    case RdKafka::ERR__PURGE_INFLIGHT:
    case RdKafka::ERR__WAIT_COORD:
    case RdKafka::ERR__RETRY:
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_LEADER_FOR_PARTITION:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
    case RdKafka::ERR_BROKER_NOT_AVAILABLE:
    case RdKafka::ERR_REPLICA_NOT_AVAILABLE:
    case RdKafka::ERR_NETWORK_EXCEPTION:
    case RdKafka::ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RdKafka::ERR_COORDINATOR_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_COORDINATOR:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RdKafka::ERR_KAFKA_STORAGE_ERROR:
    case RdKafka::ERR_FENCED_LEADER_EPOCH:
    case RdKafka::ERR_UNKNOWN_LEADER_EPOCH:
    case RdKafka::ERR_OFFSET_NOT_AVAILABLE:
    case RdKafka::ERR_PREFERRED_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_THROTTLING_QUOTA_EXCEEDED:
    case RdKafka::ERR_REBALANCE_IN_PROGRESS:
      return true;
    default:
      return false;
  }
}

kafka_error::kafka_error(RdKafka::ErrorCode code, std::string_view context)
    : std::runtime_error(std::string(context) + ": " + RdKafka::err2str(code)),
      code_(code),
      retryable_(is_retryable(code)) {}

}  // namespace tributary::core
