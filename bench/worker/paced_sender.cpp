#include "bench/worker/paced_sender.hpp"

#include "tools/replay/webhook_request.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <optional>
#include <thread>

namespace tributary::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

std::int64_t micros_since_epoch(std::chrono::system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count();
}

/// One keep-alive connection's thread: takes the next due delivery until none is left. A failed
/// exchange leaves status 0 and reconnects for the next one.
void run_connection(const replay::target_url& url, const std::vector<bench_delivery>& deliveries,
                    const pacing& settings, std::chrono::steady_clock::time_point start,
                    std::atomic<std::size_t>& next, std::vector<paced_result>& results) {
  asio::io_context io;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(url.host, url.port);
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  const std::string host = url.host + ":" + url.port;
  for (;;) {
    const auto index = next.fetch_add(1);
    if (index >= deliveries.size()) return;
    const auto& item = deliveries[index];
    const auto request = replay::make_webhook_request({item.event, item.delivery_id, item.payload},
                                                      host, url.target, settings.secret, false);
    const auto due = start + std::chrono::nanoseconds(
                                 static_cast<std::int64_t>(1e9 * static_cast<double>(index) /
                                                           settings.rate));
    std::this_thread::sleep_until(due);
    auto& result = results[index];
    const auto sent = std::chrono::steady_clock::now();
    result.late_us = std::chrono::duration_cast<std::chrono::microseconds>(sent - due).count();
    try {
      if (!stream) {
        stream.emplace(io);
        stream->connect(endpoints);
        stream->socket().set_option(tcp::no_delay(true));
        buffer.clear();
      }
      http::write(*stream, request);
      http::response<http::string_body> response;
      http::read(*stream, buffer, response);
      result.answered_at_us = micros_since_epoch(std::chrono::system_clock::now());
      result.latency_us =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - sent)
              .count();
      result.status = response.result_int();
      if (!response.keep_alive()) stream.reset();
    } catch (const std::exception&) {
      stream.reset();
    }
  }
}

}  // namespace

std::vector<paced_result> send_paced(const replay::target_url& url,
                                     const std::vector<bench_delivery>& deliveries,
                                     const pacing& settings) {
  std::vector<paced_result> results(deliveries.size());
  std::atomic<std::size_t> next{0};
  const auto start = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < settings.connections; ++i)
    threads.emplace_back([&] { run_connection(url, deliveries, settings, start, next, results); });
  for (auto& thread : threads) thread.join();
  return results;
}

}  // namespace tributary::bench
