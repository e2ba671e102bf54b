#pragma once

#include "ingest/body_budget.hpp"
#include "ingest/ingest_metrics.hpp"
#include "ingest/ingest_settings.hpp"
#include "ingest/log_rate_limit.hpp"
#include "ingest/publisher.hpp"

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <utility>

namespace tributary::ingest {

/// What every connection of one ingest process shares: settings, TLS context, publisher, metrics,
/// readiness, the memory budget of request bodies, and the counters that the connection cap and
/// shutdown read. Created in main before the listener and destroyed after the I/O threads have
/// stopped, so sessions hold a reference. Any thread may use it: the counters are atomic, the rest
/// is immutable or thread-safe.
struct service_state {
  service_state(const ingest_config& config, boost::asio::ssl::context* tls, publisher& events,
                ingest_metrics& metrics, std::function<bool()> ready)
      : config(config),
        tls(tls),
        events(events),
        metrics(metrics),
        ready(std::move(ready)),
        bodies(config.memory_budget_bytes, config.large_body_bytes, large_body_share,
               &metrics.body_bytes_held) {}

  /// The share of the body budget that large bodies may hold together (README: the budget).
  static constexpr double large_body_share = 0.75;

  const ingest_config& config;
  boost::asio::ssl::context* tls;  // nullptr: plain HTTP only
  publisher& events;
  ingest_metrics& metrics;
  std::function<bool()> ready;     // true while the broker answers and the producer is usable
  body_budget bodies;
  log_rate_limit signature_log{std::chrono::seconds(1)};
  /// Set when a shutdown begins: /readyz answers 503 and every answer closes its connection.
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> in_flight{0};
};

/// One unit of a count that shutdown or the connection cap reads, mirrored in a gauge: taken on
/// construction, given back when the last owner is destroyed. Movable, not copyable.
class counted_slot {
 public:
  counted_slot(std::atomic<std::size_t>& count, prometheus::Gauge& gauge)
      : count_(&count), gauge_(&gauge) {
    count_->fetch_add(1);
    gauge_->Increment();
  }
  counted_slot(counted_slot&& other) noexcept
      : count_(std::exchange(other.count_, nullptr)), gauge_(other.gauge_) {}
  counted_slot& operator=(counted_slot&& other) noexcept {
    if (this != &other) {
      give_back();
      count_ = std::exchange(other.count_, nullptr);
      gauge_ = other.gauge_;
    }
    return *this;
  }
  counted_slot(const counted_slot&) = delete;
  counted_slot& operator=(const counted_slot&) = delete;
  ~counted_slot() { give_back(); }

 private:
  void give_back() {
    if (!count_) return;
    count_->fetch_sub(1);
    gauge_->Decrement();
    count_ = nullptr;
  }

  std::atomic<std::size_t>* count_;
  prometheus::Gauge* gauge_;
};

/// One open connection's place under INGEST_MAX_CONNECTIONS, held by its session objects.
inline counted_slot connection_slot(service_state& state) {
  return {state.connections, state.metrics.open_connections};
}

/// One request between its header being read and its answer being written; shutdown waits until
/// none is left.
inline counted_slot in_flight_slot(service_state& state) {
  return {state.in_flight, state.metrics.in_flight};
}

}  // namespace tributary::ingest
