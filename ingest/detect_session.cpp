#include "ingest/detect_session.hpp"

#include "ingest/webhook_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/detect_ssl.hpp>

namespace tributary::ingest {
namespace beast = boost::beast;
namespace net = boost::asio;

detect_session::detect_session(net::ip::tcp::socket&& socket, service_state& state,
                               counted_slot connection)
    : stream_(std::move(socket)), state_(state), connection_(std::move(connection)) {}

void detect_session::run() {
  // The socket was accepted onto its own strand; start there.
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&detect_session::on_run, shared_from_this()));
}

void detect_session::on_run() {
  if (!state_.tls) return on_detect({}, false);
  stream_.expires_after(state_.config.header_timeout);
  beast::async_detect_ssl(stream_, buffer_,
                          beast::bind_front_handler(&detect_session::on_detect, shared_from_this()));
}

void detect_session::on_detect(beast::error_code ec, bool tls) {
  if (ec) return;  // the client left or said nothing in time; the connection closes with us
  if (tls) {
    std::make_shared<webhook_session<tls_stream>>(std::move(stream_), std::move(buffer_), state_,
                                                  std::move(connection_))
        ->run();
  } else {
    const bool https_required = state_.tls && !state_.config.allow_plaintext;
    std::make_shared<webhook_session<plain_stream>>(std::move(stream_), std::move(buffer_), state_,
                                                    std::move(connection_), https_required)
        ->run();
  }
}

}  // namespace tributary::ingest
