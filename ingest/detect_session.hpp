#pragma once

#include "core/log.hpp"
#include "ingest/service_state.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>

#include <memory>

namespace tributary::ingest {

/// A new connection whose first bytes tell TLS (a ClientHello) from plain HTTP
/// (beast::async_detect_ssl), then hands the stream and what was read to a webhook_session.
/// Without a TLS context every connection is plain; with one, a plain connection is served only
/// /healthz and /readyz unless INGEST_ALLOW_PLAINTEXT. Owned by its pending operation; runs on the
/// connection's strand.
class detect_session : public std::enable_shared_from_this<detect_session> {
 public:
  detect_session(boost::asio::ip::tcp::socket&& socket, service_state& state, counted_slot connection);
  void run();

 private:
  void on_run();
  void on_detect(boost::beast::error_code ec, bool tls);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  service_state& state_;
  counted_slot connection_;
};

}  // namespace tributary::ingest
