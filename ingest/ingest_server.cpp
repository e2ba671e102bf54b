#include "ingest/ingest_server.hpp"

#include "core/kafka_producer.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "ingest/ingest_metrics.hpp"
#include "ingest/listener.hpp"
#include "ingest/publisher.hpp"
#include "ingest/readiness_probe.hpp"
#include "ingest/service_state.hpp"
#include "ingest/tls_context.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace tributary::ingest {
namespace net = boost::asio;

namespace {

net::ip::tcp::endpoint make_endpoint(const core::listen_address& address) {
  boost::system::error_code ec;
  const auto ip = address.host.empty() ? net::ip::address(net::ip::address_v6::any())
                                       : net::ip::make_address(address.host, ec);
  if (ec) throw core::settings_error("INGEST_LISTEN: not an IP address: " + address.host);
  return {ip, address.port};
}

/// Set once by the signal handler; the main thread waits on it.
class stop_request {
 public:
  void notify() {
    {
      std::lock_guard lock(mutex_);
      requested_ = true;
    }
    changed_.notify_all();
  }
  /// True once notified; false when `timeout` passed first.
  bool wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return requested_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool requested_ = false;
};

/// Points a metrics server's /readyz at a callback for its own lifetime, then at "not ready".
class metrics_readiness_link {
 public:
  metrics_readiness_link(core::metrics_server& server, std::function<bool()> ready) : server_(server) {
    server_.set_readiness(std::move(ready));
  }
  ~metrics_readiness_link() { server_.set_readiness([] { return false; }); }
  metrics_readiness_link(const metrics_readiness_link&) = delete;
  metrics_readiness_link& operator=(const metrics_readiness_link&) = delete;

 private:
  core::metrics_server& server_;
};

}  // namespace

int run_ingest(const ingest_config& config) {
  const core::logger log("ingest");
  const auto endpoint = make_endpoint(config.listen);
  std::optional<net::ssl::context> tls;
  if (config.tls) tls.emplace(make_tls_context(*config.tls));

  core::metrics_server metrics_endpoint(config.metrics_listen);
  ingest_metrics metrics(metrics_endpoint.registry());

  // Declared before the io_context, destroyed after it: when the io_context goes it destroys the
  // handlers still queued (idle keep-alive reads, delivery reports posted after the stop), and
  // with them the last sessions, whose connection and in-flight slots count down in `state`. By
  // then the publisher and the probe that `state` also names are gone, but no destructor uses them.
  std::optional<service_state> state;
  // Declared before the producer, destroyed after it: the producer's last delivery callbacks
  // post onto this io_context.
  net::io_context io(static_cast<int>(config.threads));
  core::kafka_producer producer(config.producer_properties, config.shutdown_grace);
  publisher events(producer, config.topic);
  readiness_probe probe(producer, metrics, config.ready_probe_interval, config.ready_probe_timeout);

  state.emplace(config, tls ? &*tls : nullptr, events, metrics,
                [&probe, &producer] { return probe.ready() && !producer.fatal_error(); });
  // The metrics port's /readyz says what the webhook port's says, for probes pointed at either;
  // the link ends (before `state` and the probe go) however this function ends.
  const metrics_readiness_link readiness_link(
      metrics_endpoint, [&state] { return !state->stopping.load() && state->ready(); });
  auto acceptor = std::make_shared<listener>(io, endpoint, *state);
  acceptor->run();

  stop_request stop;
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    log.info("stopping: draining", {{"signal", signal},
                                     {"in_flight", state->in_flight.load()},
                                     {"drain_period_ms", config.drain_period.count()}});
    // /readyz fails from now on, so that load balancers take this pod out, while it still serves.
    state->stopping = true;
    stop.notify();
  });

  log.info("listening", {{"address", acceptor->local_endpoint().address().to_string()},
                         {"port", acceptor->local_endpoint().port()},
                         {"tls", config.tls.has_value()},
                         {"path", config.path},
                         {"topic", config.topic},
                         {"metrics_port", metrics_endpoint.port()},
                         {"threads", config.threads}});

  // While requests wait for their delivery reports no asio operation is pending; without this
  // guard the I/O threads would return once the acceptor and the signal set are done.
  auto keep_running = net::make_work_guard(io);
  std::vector<std::thread> threads;
  threads.reserve(config.threads);
  for (unsigned i = 0; i < config.threads; ++i) threads.emplace_back([&io] { io.run(); });

  // A fatal producer error ends the process as a signal would, but without a drain period (no
  // request can succeed any more) and with a non-zero exit, so that an orchestrator restarts it.
  std::optional<std::string> fatal;
  while (!stop.wait_for(std::chrono::milliseconds(100))) {
    if ((fatal = producer.fatal_error())) {
      log.error("fatal producer error: stopping", {{"error", *fatal}});
      state->stopping = true;
      break;
    }
  }
  if (!fatal && config.drain_period.count() > 0) {
    std::this_thread::sleep_for(config.drain_period);
    log.info("drain period over: closing the listener", {{"in_flight", state->in_flight.load()}});
  }
  acceptor->stop();
  // Requests already read are answered from their delivery reports; connections idle in
  // keep-alive are simply closed when the io_context stops.
  const auto deadline = std::chrono::steady_clock::now() + config.shutdown_grace;
  while (state->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto unanswered = state->in_flight.load();
  keep_running.reset();
  io.stop();
  for (auto& thread : threads) thread.join();
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  const int outstanding = producer.flush(std::max(remaining, std::chrono::milliseconds(1000)));
  if (unanswered > 0)
    log.warning("grace period over with requests unanswered (their clients saw no 2xx)",
                {{"unanswered", unanswered}});
  log.info("stopped", {{"unflushed_messages", outstanding}});
  return fatal ? 1 : 0;
}

}  // namespace tributary::ingest
