#pragma once

#include "core/kafka_producer.hpp"
#include "core/log.hpp"
#include "ingest/body_budget.hpp"
#include "ingest/delivery.hpp"
#include "ingest/http_answer.hpp"
#include "ingest/service_state.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace tributary::ingest {

using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// One client connection after TLS detection: reads HTTP/1.1 requests one at a time (keep-alive),
/// answers health and readiness, holds each webhook body under the memory budget, hands it to
/// judge_webhook and publishes the delivery it yields; the delivery report decides the answer.
/// `Stream` is plain_stream or tls_stream. Owned by the shared_ptrs of its pending operations (and
/// of its delivery callback while the broker decides); all its handlers run on the connection's
/// strand.
template <class Stream>
class webhook_session : public std::enable_shared_from_this<webhook_session<Stream>> {
 public:
  /// `buffer` holds what the TLS detection already read. `https_required`: a plain connection
  /// while TLS is configured and INGEST_ALLOW_PLAINTEXT is off, where only /healthz and /readyz
  /// are served.
  webhook_session(boost::beast::tcp_stream&& stream, boost::beast::flat_buffer&& buffer,
                  service_state& state, counted_slot connection, bool https_required = false);

  void run();

 private:
  using request_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  /// What one request holds between its header and its answer; replaced whole for the next one.
  struct request_state {
    std::optional<counted_slot> in_flight;
    std::optional<body_budget::reservation> body_memory;  // released once the body is not held
    bool head = false;         // HEAD: the answer's header only
    bool counted = true;       // health and readiness probes stay out of the request metrics
    bool keep_alive = false;   // of a request waiting for its delivery report
    std::string event;         // verified event name, or empty
    std::string delivery_id;   // once judge_webhook accepted it, for logs and the answer
  };

  /// Beast keeps a reference to its chunk callback: this one lives as long as the session.
  struct chunk_sink {
    webhook_session* session;
    std::size_t operator()(std::uint64_t remain, boost::beast::string_view piece,
                           boost::beast::error_code& ec) const {
      return session->on_chunk(remain, piece, ec);
    }
  };

  boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }
  void on_handshake(boost::beast::error_code ec, std::size_t used);
  void do_read();
  void on_read_header(boost::beast::error_code ec, std::size_t);
  /// Reserves the body's memory and starts reading it, or answers at once.
  void read_webhook_body();
  /// Appends one piece of a chunked body, growing its reservation first.
  std::size_t on_chunk(std::uint64_t remain, boost::beast::string_view piece,
                       boost::beast::error_code& ec);
  void on_read_body(boost::beast::error_code ec, std::size_t);
  void handle_webhook(boost::beast::http::request<boost::beast::http::string_body>&& request);
  void note_refusal(const request_outcome& result);
  void publish(delivery message);
  void on_published(const core::delivery_report& report,
                    std::chrono::steady_clock::time_point received);
  /// Writes the answer to `result`; keeps the connection only if `keep_alive` and not stopping.
  void answer(const request_outcome& result, bool keep_alive);
  void on_write(bool keep_alive, std::uint64_t unread_body, boost::beast::error_code ec,
                std::size_t);
  void do_drain(std::uint64_t limit);
  void do_drain_some();
  void do_close();

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  service_state& state_;
  counted_slot connection_;
  const bool https_required_;
  std::optional<request_parser> parser_;
  request_state request_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::uint64_t drain_left_ = 0;
  chunk_sink chunk_sink_{this};
  core::logger log_{"ingest"};
};

extern template class webhook_session<plain_stream>;
extern template class webhook_session<tls_stream>;

}  // namespace tributary::ingest
