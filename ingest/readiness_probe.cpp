#include "ingest/readiness_probe.hpp"

namespace tributary::ingest {

readiness_probe::readiness_probe(core::kafka_producer& producer, ingest_metrics& metrics,
                                 std::chrono::milliseconds interval,
                                 std::chrono::milliseconds timeout)
    : producer_(producer), metrics_(metrics), interval_(interval), timeout_(timeout) {
  thread_ = std::thread([this] { run(); });
}

readiness_probe::~readiness_probe() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void readiness_probe::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const bool reachable = producer_.broker_reachable(timeout_);
    metrics_.producer_queue.Set(producer_.queue_length());
    metrics_.broker_ready.Set(reachable ? 1 : 0);
    if (reachable != ready_.exchange(reachable)) {
      if (reachable)
        log_.info("broker reachable: ready");
      else
        log_.warning("broker unreachable: not ready");
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace tributary::ingest
