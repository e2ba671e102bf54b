#pragma once

#include "core/log.hpp"
#include "ingest/service_state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <chrono>
#include <memory>

namespace tributary::ingest {

/// The listening socket: accepts each connection onto a strand of its own, with TCP_NODELAY, and
/// starts a detect_session, or closes it at once when INGEST_MAX_CONNECTIONS are open. A failed accept
/// (out of file descriptors, say) waits before the next try, 10 ms doubling up to 1 s and back to
/// 10 ms after a success, rather than failing again at once in a busy loop. Owned by a shared_ptr
/// (main's and its pending accept's or timer's); `stop` may be called from any thread.
class listener : public std::enable_shared_from_this<listener> {
 public:
  /// Binds and listens; throws boost::system::system_error when it can't.
  listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
           service_state& state);

  void run();
  /// Closes the listening socket: no new connection is accepted.
  void stop();
  /// The bound address (with the port chosen when the setting said 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const { return endpoint_; }

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::endpoint endpoint_;
  boost::asio::steady_timer retry_timer_;
  std::chrono::milliseconds backoff_;
  service_state& state_;
  core::logger log_{"ingest"};
};

}  // namespace tributary::ingest
