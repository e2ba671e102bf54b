#include "ingest/webhook_session.hpp"

#include "ingest/route.hpp"
#include "ingest/webhook_verdict.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace tributary::ingest {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

// What a drain may read beyond the body limit: chunk framing and what was already buffered.
constexpr std::uint64_t k_drain_slack = 64 * 1024;
constexpr std::size_t k_drain_read = 64 * 1024;
// The most of a declared body the read buffer is grown to hold before the body is read.
constexpr std::size_t k_body_read_buffer = 64 * 1024;

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

// The error on_chunk reports when a chunked body outgrows the memory budget.
const beast::error_code over_budget_error =
    boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);

}  // namespace

template <class Stream>
webhook_session<Stream>::webhook_session(beast::tcp_stream&& stream, beast::flat_buffer&& buffer,
                                         service_state& state, counted_slot connection,
                                         bool https_required)
    : stream_(make_stream<Stream>(std::move(stream), state)),
      buffer_(std::move(buffer)),
      state_(state),
      connection_(std::move(connection)),
      https_required_(https_required) {}

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
  request_ = {};
  // An idle keep-alive connection holds no read buffer (up to 64 KiB each, outside the budget).
  if (buffer_.size() == 0) buffer_.shrink_to_fit();
  tcp().expires_after(state_.config.header_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&webhook_session::on_read_header,
                                                    this->shared_from_this()));
}

template <class Stream>
void webhook_session<Stream>::on_read_header(beast::error_code ec, std::size_t) {
  if (ec == http::error::header_limit) {
    request_.in_flight.emplace(in_flight_slot(state_));
    return answer(outcome::header_too_large{}, false);
  }
  if (ec) {
    if (client_gone(ec)) return do_close();
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      request_.in_flight.emplace(in_flight_slot(state_));
      return answer(outcome::bad_request{}, false);
    }
    log_.debug("read failed", {{"error", ec.message()}});
    return do_close();
  }
  request_.in_flight.emplace(in_flight_slot(state_));
  const auto& header = parser_->get();
  request_.head = header.method() == http::verb::head;
  const bool keep_alive = parser_->is_done() && header.keep_alive();
  const auto method = header.method_string();
  const auto target = header.target();
  const auto where = route_request({method.data(), method.size()}, {target.data(), target.size()},
                                   state_.config.path);
  // Probes stay answered over plain HTTP (a kubelet probes without TLS); nothing else does.
  if (https_required_ && where != route::health && where != route::ready)
    return answer(outcome::https_required{}, false);
  switch (where) {
    case route::health:
      request_.counted = false;
      return answer(outcome::alive{}, keep_alive);
    case route::ready:
      request_.counted = false;
      if (state_.stopping.load()) return answer(outcome::shutting_down{}, keep_alive);
      if (state_.ready()) return answer(outcome::ready{}, keep_alive);
      return answer(outcome::not_ready{}, keep_alive);
    case route::not_found:
      return answer(outcome::not_found{}, keep_alive);
    case route::method_not_allowed:
      return answer(outcome::method_not_allowed{}, keep_alive);
    case route::webhook:
      return read_webhook_body();
  }
}

template <class Stream>
void webhook_session<Stream>::read_webhook_body() {
  const auto length = parser_->content_length();
  if (length && *length > state_.config.max_body_bytes)
    return answer(outcome::payload_too_large{}, false);
  // The whole declared length is held from here (Beast reserves it for the body); a chunked body
  // starts with nothing and grows its reservation piece by piece (on_chunk).
  auto reservation = state_.bodies.reserve(length ? static_cast<std::size_t>(*length) : 0);
  if (!reservation) {
    state_.metrics.budget_refusals.Increment();
    return answer(outcome::over_budget{}, false);
  }
  request_.body_memory = std::move(*reservation);
  parser_->body_limit(state_.config.max_body_bytes);
  if (parser_->chunked()) parser_->on_chunk_body(chunk_sink_);
  // Beast reads at most the buffer's free room (512 bytes, or what the header's reads grew it
  // to: 1 KiB for GitHub's headers), and each read is a system call, a timer armed and
  // cancelled and a pass of the parser: a 10 KB body took ten. Room for the whole declared body
  // (up to 64 KiB, as README's memory table allows a connection reading a body) takes one or two.
  if (length) {
    const auto wanted =
        buffer_.size() + static_cast<std::size_t>(std::min<std::uint64_t>(*length, k_body_read_buffer));
    if (buffer_.capacity() < wanted) buffer_.reserve(wanted);
  }
  tcp().expires_after(state_.config.body_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&webhook_session::on_read_body, this->shared_from_this()));
}

template <class Stream>
std::size_t webhook_session<Stream>::on_chunk(std::uint64_t, beast::string_view piece,
                                              beast::error_code& ec) {
  // With this callback set, Beast leaves storing the body to us: reserve before the string grows,
  // and grow it ourselves (doubling, capped at the limit) so that its capacity is what is reserved.
  auto& body = parser_->get().body();
  const auto limit = state_.config.max_body_bytes;
  const auto needed = body.size() + piece.size();
  if (needed > limit) {
    ec = http::error::body_limit;
    return 0;
  }
  if (needed > body.capacity()) {
    const auto capacity = std::min(limit, std::max(needed, 2 * body.capacity()));
    if (!request_.body_memory->resize(capacity)) {
      ec = over_budget_error;
      return 0;
    }
    body.reserve(capacity);
  }
  body.append(piece.data(), piece.size());
  return piece.size();
}

template <class Stream>
void webhook_session<Stream>::on_read_body(beast::error_code ec, std::size_t) {
  if (ec == http::error::body_limit) return answer(outcome::payload_too_large{}, false);
  if (ec == over_budget_error) {
    state_.metrics.budget_refusals.Increment();
    return answer(outcome::over_budget{}, false);
  }
  if (ec) {
    if (!client_gone(ec)) log_.debug("body read failed", {{"error", ec.message()}});
    return do_close();
  }
  handle_webhook(parser_->release());
  // The body was moved into the delivery, which librdkafka copied (or which was refused): it is
  // no longer held.
  request_.body_memory.reset();
}

template <class Stream>
void webhook_session<Stream>::handle_webhook(http::request<http::string_body>&& request) {
  state_.metrics.body_bytes.Increment(static_cast<double>(request.body().size()));
  request_.keep_alive = request.keep_alive();
  auto verdict = judge_webhook(
      {{header_value(request, "X-GitHub-Event"), header_value(request, "X-GitHub-Delivery"),
        header_value(request, "X-GitHub-Hook-ID"),
        header_value(request, "X-GitHub-Hook-Installation-Target-Type"),
        header_value(request, "X-GitHub-Hook-Installation-Target-ID"),
        header_value(request, "Content-Type")},
       header_value(request, "X-Hub-Signature-256"),
       std::move(request.body())},
      state_.config.secrets);
  if (auto* result = std::get_if<request_outcome>(&verdict)) {
    note_refusal(*result);
    return answer(*result, request_.keep_alive);
  }
  publish(std::get<delivery>(std::move(verdict)));
}

template <class Stream>
void webhook_session<Stream>::note_refusal(const request_outcome& result) {
  // Anyone can send a bad signature, as often as they like: count each, log at a bounded rate,
  // and log nothing the client chose.
  const bool missing = std::holds_alternative<outcome::missing_signature>(result);
  if (missing || std::holds_alternative<outcome::bad_signature>(result)) {
    (missing ? state_.metrics.signature_missing : state_.metrics.signature_mismatch).Increment();
    if (const auto suppressed = state_.signature_log.admit())
      log_.warning("signature refused", {{"reason", missing ? "missing" : "mismatch"},
                                         {"suppressed_since_last", *suppressed}});
  } else if (const auto* invalid = std::get_if<outcome::invalid>(&result)) {
    log_.warning("delivery refused", {{"reason", to_string(invalid->reason)}});
  }
}

template <class Stream>
void webhook_session<Stream>::publish(delivery message) {
  const auto received = std::chrono::steady_clock::now();
  request_.event = message.event;
  request_.delivery_id = message.id;
  try {
    // The answer waits for the broker's verdict, delivered on the producer's thread: post it
    // back onto this connection's strand, never answer from there.
    state_.events.publish(
        message, std::chrono::system_clock::now(),
        [self = this->shared_from_this(), received](const core::delivery_report& report) {
          auto executor = self->stream_.get_executor();
          net::post(executor, [self = std::move(self), report, received] {
            self->on_published(report, received);
          });
        });
  } catch (const core::kafka_error& e) {
    // The publisher logged it.
    return answer(outcome_for_publish_error(e.code()), request_.keep_alive);
  } catch (const std::exception& e) {
    log_.error("publish failed unexpectedly",
               {{"delivery", request_.delivery_id}, {"error", e.what()}});
    return answer(outcome::internal_error{}, request_.keep_alive);
  }
}

template <class Stream>
void webhook_session<Stream>::on_published(const core::delivery_report& report,
                                           std::chrono::steady_clock::time_point received) {
  state_.metrics.publish_latency.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
  if (report.ok()) {
    log_.debug("delivery published", {{"delivery", request_.delivery_id},
                                      {"event", request_.event},
                                      {"topic", state_.events.topic()},
                                      {"partition", report.partition},
                                      {"offset", report.offset}});
    return answer(outcome::accepted{request_.delivery_id}, request_.keep_alive);
  }
  log_.warning("delivery failed", {{"delivery", request_.delivery_id},
                                   {"event", request_.event},
                                   {"error", RdKafka::err2str(report.error)},
                                   {"retryable", report.retryable()}});
  answer(outcome_for_publish_error(report.error), request_.keep_alive);
}

template <class Stream>
void webhook_session<Stream>::answer(const request_outcome& result, bool keep_alive) {
  const auto reply = answer_for(result, state_.config.retry_after);
  // A body left unread is drained after the answer, up to what it may still hold; whatever of
  // it the parser holds is let go now, with its reservation.
  std::uint64_t unread_body = 0;
  if (parser_ && !parser_->is_done()) {
    const auto limit = static_cast<std::uint64_t>(state_.config.max_body_bytes);
    unread_body = std::min(parser_->content_length_remaining().value_or(limit), limit) + k_drain_slack;
  }
  parser_.reset();
  request_.body_memory.reset();
  if (request_.counted) state_.metrics.count_request(request_.event, reply.status);
  response_ = {};
  response_.version(11);
  response_.result(reply.status);
  response_.set(http::field::server, "tributary-ingest");
  response_.set(http::field::content_type, "application/json");
  if (reply.retry_after.count() > 0)
    response_.set(http::field::retry_after, std::to_string(reply.retry_after.count()));
  if (reply.status == 405) response_.set(http::field::allow, "GET, HEAD, POST");
  response_.body() = reply.body;
  // From the start of a shutdown every answer closes its connection, so that clients go elsewhere.
  response_.keep_alive(keep_alive && !state_.stopping.load());
  response_.prepare_payload();
  if (request_.head) response_.body().clear();  // HEAD: the header says the length, no body
  tcp().expires_after(state_.config.body_timeout);
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&webhook_session::on_write, this->shared_from_this(),
                                              response_.keep_alive(), unread_body));
}

template <class Stream>
void webhook_session<Stream>::on_write(bool keep_alive, std::uint64_t unread_body,
                                       beast::error_code ec, std::size_t) {
  request_ = {};
  if (ec) {
    log_.debug("write failed", {{"error", ec.message()}});
    return do_close();
  }
  if (!keep_alive) return unread_body > 0 ? do_drain(unread_body) : do_close();
  do_read();
}

template <class Stream>
void webhook_session<Stream>::do_drain(std::uint64_t limit) {
  // Closing with unread bytes makes the kernel reset the connection, and a client still sending
  // its body could lose the answer (a 413, a 503) with it. Read and drop what it sends, but no
  // more than the body may still hold and for no longer than a header may take.
  drain_left_ = limit - std::min<std::uint64_t>(limit, buffer_.size());
  buffer_.consume(buffer_.size());
  tcp().expires_after(state_.config.header_timeout);
  do_drain_some();
}

template <class Stream>
void webhook_session<Stream>::do_drain_some() {
  if (drain_left_ == 0) return do_close();
  const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(drain_left_, k_drain_read));
  stream_.async_read_some(buffer_.prepare(size),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t read) {
                            if (ec) return self->do_close();
                            self->drain_left_ -= std::min<std::uint64_t>(self->drain_left_, read);
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
