#pragma once

#include "core/kafka_producer.hpp"
#include "core/log.hpp"
#include "ingest/http_answer.hpp"
#include "ingest/service_state.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace tributary::ingest {

using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// One client connection after TLS detection: reads HTTP/1.1 requests one at a time (keep-alive),
/// answers health and readiness, and turns each signed webhook into a Kafka message whose delivery
/// report decides the answer. `Stream` is plain_stream or tls_stream. Owned by the shared_ptrs of
/// its pending operations (and of its delivery callback while the broker decides); all its
/// handlers run on the connection's strand.
template <class Stream>
class webhook_session : public std::enable_shared_from_this<webhook_session<Stream>> {
 public:
  /// `buffer` holds what the TLS detection already read.
  webhook_session(boost::beast::tcp_stream&& stream, boost::beast::flat_buffer&& buffer,
                  service_state& state, connection_slot slot);

  void run();

 private:
  using request_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }
  void on_handshake(boost::beast::error_code ec, std::size_t used);
  void do_read();
  void on_read_header(boost::beast::error_code ec, std::size_t);
  void on_read_body(boost::beast::error_code ec, std::size_t);
  void publish(boost::beast::http::request<boost::beast::http::string_body>&& request);
  void on_published(const core::delivery_report& report,
                    std::chrono::steady_clock::time_point received);
  /// Writes the answer to `result`; keeps the connection only if `keep_alive` and not stopping.
  void answer(const request_outcome& result, bool keep_alive);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t);
  void do_drain();
  void do_drain_some();
  void do_close();

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  service_state& state_;
  connection_slot slot_;
  std::optional<request_parser> parser_;
  std::optional<in_flight_slot> in_flight_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  boost::beast::flat_buffer drain_buffer_;
  bool head_request_ = false;
  bool keep_alive_ = false;      // of the request waiting for its delivery report
  bool body_pending_ = false;    // answered without reading the body
  bool count_request_ = false;   // health and readiness probes stay out of the request metrics
  std::string event_label_;      // verified event name, or empty
  std::string delivery_id_;      // for logs, once parse_delivery accepted it
  core::logger log_{"ingest"};
};

extern template class webhook_session<plain_stream>;
extern template class webhook_session<tls_stream>;

}  // namespace tributary::ingest
