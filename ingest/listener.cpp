#include "ingest/listener.hpp"

#include "ingest/detect_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace tributary::ingest {
namespace net = boost::asio;
namespace beast = boost::beast;

namespace {
constexpr std::chrono::milliseconds k_first_backoff{10};
constexpr std::chrono::milliseconds k_max_backoff{1000};
}  // namespace

listener::listener(net::io_context& io, const net::ip::tcp::endpoint& endpoint, service_state& state)
    : io_(io),
      acceptor_(net::make_strand(io)),
      retry_timer_(acceptor_.get_executor()),
      backoff_(k_first_backoff),
      state_(state) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  endpoint_ = acceptor_.local_endpoint();
}

void listener::run() { do_accept(); }

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void listener::do_accept() {
  acceptor_.async_accept(net::make_strand(io_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, net::ip::tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // stopped
  if (ec) {
    // Out of descriptors and the like: the pending connection stays queued, so trying again at
    // once would fail again at once. Say so, wait, and try again.
    state_.metrics.accept_failures.Increment();
    log_.warning("accept failed", {{"error", ec.message()}, {"retry_in_ms", backoff_.count()}});
    retry_timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, k_max_backoff);
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_error) {
      if (wait_error || !self->acceptor_.is_open()) return;  // stopped
      self->do_accept();
    });
    return;
  }
  backoff_ = k_first_backoff;
  // Nagle's algorithm would hold a small write (the TLS handshake's flights, an answer written
  // in two pieces) until the client's delayed ACK, up to ~40 ms: every write here is a whole
  // message the client waits for.
  beast::error_code no_delay_error;
  socket.set_option(net::ip::tcp::no_delay(true), no_delay_error);
  if (state_.connections.load() >= state_.config.max_connections) {
    state_.metrics.refused_connections.Increment();
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    std::make_shared<detect_session>(std::move(socket), state_, connection_slot(state_))->run();
  }
  do_accept();
}

}  // namespace tributary::ingest
