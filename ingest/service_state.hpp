#pragma once

#include "ingest/ingest_metrics.hpp"
#include "ingest/ingest_settings.hpp"
#include "ingest/publisher.hpp"

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstddef>
#include <functional>

namespace tributary::ingest {

/// What every connection of one ingest process shares: settings, TLS context, publisher, metrics,
/// readiness, and the counters that the connection cap and shutdown read. Created in main before
/// the listener and destroyed after the I/O threads have stopped, so sessions hold a reference.
/// Any thread may use it: the counters are atomic, the rest is immutable or thread-safe.
struct service_state {
  const ingest_config& config;
  boost::asio::ssl::context* tls;  // nullptr: plain HTTP only
  publisher& events;
  ingest_metrics& metrics;
  std::function<bool()> ready;     // true while the broker answers
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> in_flight{0};
};

/// One open connection's place under INGEST_MAX_CONNECTIONS, released when the last session
/// object owning it is destroyed. Movable, not copyable.
class connection_slot {
 public:
  explicit connection_slot(service_state& state) : state_(&state) {
    state_->connections.fetch_add(1);
    state_->metrics.open_connections.Increment();
  }
  connection_slot(connection_slot&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  connection_slot& operator=(connection_slot&&) = delete;
  connection_slot(const connection_slot&) = delete;
  ~connection_slot() {
    if (!state_) return;
    state_->connections.fetch_sub(1);
    state_->metrics.open_connections.Decrement();
  }

 private:
  service_state* state_;
};

/// One request between its header being read and its answer being written; shutdown waits until
/// none is left. Movable, not copyable.
class in_flight_slot {
 public:
  explicit in_flight_slot(service_state& state) : state_(&state) {
    state_->in_flight.fetch_add(1);
    state_->metrics.in_flight.Increment();
  }
  in_flight_slot(in_flight_slot&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  in_flight_slot& operator=(in_flight_slot&&) = delete;
  in_flight_slot(const in_flight_slot&) = delete;
  ~in_flight_slot() {
    if (!state_) return;
    state_->in_flight.fetch_sub(1);
    state_->metrics.in_flight.Decrement();
  }

 private:
  service_state* state_;
};

}  // namespace tributary::ingest
