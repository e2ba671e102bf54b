#include "ingest/webhook_session.hpp"

#include "ingest/delivery.hpp"
#include "ingest/route.hpp"
#include "ingest/signature.hpp"

#include <boost/asio/post.hpp>

namespace tributary::ingest {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

template <class Stream>
Stream make_stream(beast::tcp_stream&& stream, service_state& state) {
  if constexpr (std::is_same_v<Stream, tls_stream>)
    return Stream(std::move(stream), *state.tls);
  else
    return Stream(std::move(stream));
}

std::string_view header_value(const http::request_header<>& header, std::string_view name) {
  const auto it = header.find(beast::string_view(name.data(), name.size()));
  if (it == header.end()) return {};
  return {it->value().data(), it->value().size()};
}

// Failures that only mean the client went away or was too slow: nothing to answer, nothing to log
// above debug.
bool client_gone(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == beast::error::timeout ||
         ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::operation_aborted || ec == net::ssl::error::stream_truncated ||
         ec == http::error::partial_message;
}

}  // namespace

template <class Stream>
webhook_session<Stream>::webhook_session(beast::tcp_stream&& stream, beast::flat_buffer&& buffer,
                                         service_state& state, connection_slot slot)
    : stream_(make_stream<Stream>(std::move(stream), state)),
      buffer_(std::move(buffer)),
      state_(state),
      slot_(std::move(slot)) {}

template <class Stream>
void webhook_session<Stream>::run() {
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    tcp().expires_after(state_.config.header_timeout);
    // The detection's bytes are the start of the ClientHello: hand them to the handshake.
    stream_.async_handshake(net::ssl::stream_base::server, buffer_.data(),
                            beast::bind_front_handler(&webhook_session::on_handshake,
                                                      this->shared_from_this()));
  } else {
    do_read();
  }
}

template <class Stream>
void webhook_session<Stream>::on_handshake(beast::error_code ec, std::size_t used) {
  if (ec) {
    log_.debug("TLS handshake failed", {{"error", ec.message()}});
    return;
  }
  buffer_.consume(used);
  do_read();
}

template <class Stream>
void webhook_session<Stream>::do_read() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(state_.config.max_header_bytes));
  // No limit while reading the header: Content-Length is checked explicitly below so that an
  // oversized body gets its 413 before a byte of it is read.
  parser_->body_limit(boost::none);
  event_label_.clear();
  delivery_id_.clear();
  head_request_ = false;
  count_request_ = true;
  tcp().expires_after(state_.config.header_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&webhook_session::on_read_header,
                                                    this->shared_from_this()));
}

template <class Stream>
void webhook_session<Stream>::on_read_header(beast::error_code ec, std::size_t) {
  if (ec == http::error::header_limit) {
    in_flight_.emplace(state_);
    return answer(outcome::header_too_large{}, false);
  }
  if (ec) {
    if (client_gone(ec)) return do_close();
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      in_flight_.emplace(state_);
      return answer(outcome::bad_request{}, false);
    }
    log_.debug("read failed", {{"error", ec.message()}});
    return do_close();
  }
  in_flight_.emplace(state_);
  const auto& header = parser_->get();
  head_request_ = header.method() == http::verb::head;
  const bool no_body_pending = parser_->is_done();
  const auto method = header.method_string();
  const auto target = header.target();
  switch (route_request({method.data(), method.size()}, {target.data(), target.size()},
                        state_.config.path)) {
    case route::health:
      count_request_ = false;
      return answer(outcome::alive{}, no_body_pending && header.keep_alive());
    case route::ready:
      count_request_ = false;
      if (state_.ready()) return answer(outcome::ready{}, no_body_pending && header.keep_alive());
      return answer(outcome::not_ready{}, no_body_pending && header.keep_alive());
    case route::not_found:
      return answer(outcome::not_found{}, no_body_pending && header.keep_alive());
    case route::method_not_allowed:
      return answer(outcome::method_not_allowed{}, no_body_pending && header.keep_alive());
    case route::webhook:
      break;
  }
  if (const auto length = parser_->content_length(); length && *length > state_.config.max_body_bytes)
    return answer(outcome::payload_too_large{}, false);
  // Chunked bodies are held to the same limit while they are read.
  parser_->body_limit(state_.config.max_body_bytes);
  tcp().expires_after(state_.config.body_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&webhook_session::on_read_body, this->shared_from_this()));
}

template <class Stream>
void webhook_session<Stream>::on_read_body(beast::error_code ec, std::size_t) {
  if (ec == http::error::body_limit) return answer(outcome::payload_too_large{}, false);
  if (ec) {
    if (!client_gone(ec)) log_.debug("body read failed", {{"error", ec.message()}});
    return do_close();
  }
  publish(parser_->release());
}

template <class Stream>
void webhook_session<Stream>::publish(http::request<http::string_body>&& request) {
  const auto received = std::chrono::steady_clock::now();
  const auto received_wall = std::chrono::system_clock::now();
  const bool keep_alive = request.keep_alive();
  state_.metrics.body_bytes.Increment(static_cast<double>(request.body().size()));

  const auto signature = header_value(request, "X-Hub-Signature-256");
  if (signature.empty()) {
    state_.metrics.signature_failures.Increment();
    log_.warning("request without X-Hub-Signature-256",
                 {{"delivery", header_value(request, "X-GitHub-Delivery")}});
    return answer(outcome::missing_signature{}, keep_alive);
  }
  if (!verify_signature(state_.config.secrets, request.body(), signature)) {
    state_.metrics.signature_failures.Increment();
    log_.warning("signature does not match any secret",
                 {{"delivery", header_value(request, "X-GitHub-Delivery")}});
    return answer(outcome::bad_signature{}, keep_alive);
  }

  webhook_headers headers{header_value(request, "X-GitHub-Event"),
                          header_value(request, "X-GitHub-Delivery"),
                          header_value(request, "X-GitHub-Hook-ID"),
                          header_value(request, "X-GitHub-Hook-Installation-Target-Type"),
                          header_value(request, "X-GitHub-Hook-Installation-Target-ID"),
                          header_value(request, "Content-Type")};
  auto parsed = parse_delivery(headers, std::move(request.body()));
  if (const auto* reason = std::get_if<rejection>(&parsed)) {
    log_.warning("delivery refused", {{"reason", to_string(*reason)}});
    return answer(outcome::invalid{*reason}, keep_alive);
  }
  const auto& message = std::get<delivery>(parsed);
  event_label_ = message.event;
  delivery_id_ = message.id;
  keep_alive_ = keep_alive;
  try {
    // The answer waits for the broker's verdict, delivered on the producer's thread: post it
    // back onto this connection's strand, never answer from there.
    state_.events.publish(
        message, received_wall,
        [self = this->shared_from_this(), received](const core::delivery_report& report) {
          auto executor = self->stream_.get_executor();
          net::post(executor, [self = std::move(self), report, received] {
            self->on_published(report, received);
          });
        });
  } catch (const core::kafka_error&) {
    // The publisher logged it; a full queue is worth a retry later.
    return answer(outcome::broker_unavailable{}, keep_alive);
  } catch (const std::exception& e) {
    log_.error("publish failed unexpectedly", {{"delivery", delivery_id_}, {"error", e.what()}});
    return answer(outcome::internal_error{}, keep_alive);
  }
}

template <class Stream>
void webhook_session<Stream>::on_published(const core::delivery_report& report,
                                           std::chrono::steady_clock::time_point received) {
  state_.metrics.publish_latency.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
  const bool keep_alive = keep_alive_;
  if (report.ok()) {
    log_.debug("delivery published", {{"delivery", delivery_id_},
                                      {"event", event_label_},
                                      {"topic", state_.events.topic()},
                                      {"partition", report.partition},
                                      {"offset", report.offset}});
    return answer(outcome::accepted{delivery_id_}, keep_alive);
  }
  log_.warning("delivery failed", {{"delivery", delivery_id_},
                                   {"event", event_label_},
                                   {"error", RdKafka::err2str(report.error)},
                                   {"retryable", report.retryable()}});
  answer(outcome::broker_unavailable{}, keep_alive);
}

template <class Stream>
void webhook_session<Stream>::answer(const request_outcome& result, bool keep_alive) {
  const auto reply = answer_for(result, state_.config.retry_after);
  body_pending_ = parser_ && !parser_->is_done();
  if (count_request_) state_.metrics.count_request(event_label_, reply.status);
  response_ = {};
  response_.version(11);
  response_.result(reply.status);
  response_.set(http::field::server, "tributary-ingest");
  response_.set(http::field::content_type, "application/json");
  if (reply.retry_after.count() > 0)
    response_.set(http::field::retry_after, std::to_string(reply.retry_after.count()));
  if (reply.status == 405) response_.set(http::field::allow, "GET, HEAD, POST");
  response_.body() = reply.body;
  // During shutdown every answer closes its connection, so that clients go elsewhere.
  response_.keep_alive(keep_alive && !state_.stopping.load());
  response_.prepare_payload();
  if (head_request_) response_.body().clear();  // HEAD: the header says the length, no body
  tcp().expires_after(state_.config.body_timeout);
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&webhook_session::on_write, this->shared_from_this(),
                                              response_.keep_alive()));
}

template <class Stream>
void webhook_session<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  in_flight_.reset();
  if (ec) {
    log_.debug("write failed", {{"error", ec.message()}});
    return do_close();
  }
  if (!keep_alive) return body_pending_ ? do_drain() : do_close();
  do_read();
}

template <class Stream>
void webhook_session<Stream>::do_drain() {
  // Closing with unread bytes makes the kernel reset the connection, and a client still sending
  // its body could lose the answer (a 413) with it. Read and drop what it sends, for a while.
  tcp().expires_after(state_.config.header_timeout);
  do_drain_some();
}

template <class Stream>
void webhook_session<Stream>::do_drain_some() {
  drain_buffer_.clear();
  stream_.async_read_some(drain_buffer_.prepare(64 * 1024),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->do_close();
                            self->do_drain_some();
                          });
}

template <class Stream>
void webhook_session<Stream>::do_close() {
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    tcp().expires_after(state_.config.header_timeout);
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      self->tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    });
  } else {
    beast::error_code ignored;
    tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  }
}

template class webhook_session<plain_stream>;
template class webhook_session<tls_stream>;

}  // namespace tributary::ingest
