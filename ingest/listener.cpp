#include "ingest/listener.hpp"

#include "ingest/detect_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace tributary::ingest {
namespace net = boost::asio;
namespace beast = boost::beast;

listener::listener(net::io_context& io, const net::ip::tcp::endpoint& endpoint, service_state& state)
    : io_(io), acceptor_(net::make_strand(io)), state_(state) {
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
  });
}

void listener::do_accept() {
  acceptor_.async_accept(net::make_strand(io_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, net::ip::tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // stopped
  if (ec) {
    // Out of descriptors and the like: say so and keep accepting.
    log_.warning("accept failed", {{"error", ec.message()}});
  } else if (state_.connections.load() >= state_.config.max_connections) {
    state_.metrics.refused_connections.Increment();
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    std::make_shared<detect_session>(std::move(socket), state_, connection_slot(state_))->run();
  }
  do_accept();
}

}  // namespace tributary::ingest
