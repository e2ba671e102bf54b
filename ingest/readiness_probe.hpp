#pragma once

#include "core/kafka_producer.hpp"
#include "core/log.hpp"
#include "ingest/ingest_metrics.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace tributary::ingest {

/// Asks the broker for metadata every `interval` on a thread of its own (the request blocks up to
/// `timeout`, which must never stall an I/O thread) and remembers whether it answered. Also
/// samples the producer's queue depth into the metrics. The producer and metrics must outlive it;
/// `ready()` may be called from any thread. Stops and joins on destruction.
class readiness_probe {
 public:
  readiness_probe(core::kafka_producer& producer, ingest_metrics& metrics,
                  std::chrono::milliseconds interval, std::chrono::milliseconds timeout);
  ~readiness_probe();
  readiness_probe(const readiness_probe&) = delete;
  readiness_probe& operator=(const readiness_probe&) = delete;

  bool ready() const { return ready_.load(std::memory_order_relaxed); }

 private:
  void run();

  core::kafka_producer& producer_;
  ingest_metrics& metrics_;
  std::chrono::milliseconds interval_;
  std::chrono::milliseconds timeout_;
  std::atomic<bool> ready_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  core::logger log_{"ingest"};
  std::thread thread_;
};

}  // namespace tributary::ingest
