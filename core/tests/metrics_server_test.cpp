#include "core/metrics.hpp"

#include "core/settings.hpp"

#include <prometheus/counter.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <gtest/gtest.h>

#include <atomic>

namespace tributary::core {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct answer {
  unsigned status;
  std::string body;
  std::string content_type;
};

answer get(std::uint16_t port, const std::string& target, http::verb method = http::verb::get) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> request(method, target, 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return {response.result_int(), response.body(),
          std::string(response[http::field::content_type])};
}

TEST(metrics_server, serves_the_registry_health_and_readiness) {
  metrics_server server("127.0.0.1:0");
  ASSERT_GT(server.port(), 0);
  auto& family = prometheus::BuildCounter().Name("tributary_test_things_total").Help("Things.")
                     .Register(server.registry());
  family.Add({{"kind", "a"}}).Increment(3);

  const auto metrics = get(server.port(), "/metrics");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body.find("tributary_test_things_total{kind=\"a\"} 3"), std::string::npos)
      << metrics.body;
  EXPECT_EQ(metrics.content_type.rfind("text/plain; version=0.0.4", 0), 0u);
  EXPECT_EQ(get(server.port(), "/healthz").status, 200u);
  EXPECT_EQ(get(server.port(), "/readyz").status, 200u);  // no readiness set: ready
  EXPECT_EQ(get(server.port(), "/other").status, 404u);
  EXPECT_EQ(get(server.port(), "/metrics", http::verb::delete_).status, 405u);

  std::atomic<bool> ready{false};
  server.set_readiness([&ready] { return ready.load(); });
  EXPECT_EQ(get(server.port(), "/readyz").status, 503u);
  EXPECT_EQ(get(server.port(), "/healthz").status, 200u);  // alive, though not ready
  ready = true;
  EXPECT_EQ(get(server.port(), "/readyz").status, 200u);
}

TEST(metrics_server, serves_several_requests_on_one_connection) {
  metrics_server server("127.0.0.1:0");
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  beast::flat_buffer buffer;
  for (const char* target : {"/healthz", "/readyz", "/metrics"}) {
    http::request<http::empty_body> request(http::verb::get, target, 11);
    http::write(stream, request);
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    EXPECT_EQ(response.result_int(), 200u) << target;
  }
}

TEST(metrics_server, closes_a_connection_whose_headers_are_too_large) {
  metrics_server server("127.0.0.1:0");
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  http::request<http::empty_body> request(http::verb::get, "/metrics", 11);
  request.set("X-Padding", std::string(16 * 1024, 'x'));
  beast::error_code ec;
  http::write(stream, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response, ec);
  EXPECT_TRUE(ec) << "answered " << response.result_int();
  // It goes on serving others.
  EXPECT_EQ(get(server.port(), "/healthz").status, 200u);
}

TEST(metrics_server, names_the_setting_when_it_cannot_listen) {
  metrics_server first("127.0.0.1:0");
  try {
    metrics_server second("127.0.0.1:" + std::to_string(first.port()));
    FAIL() << "expected settings_error";
  } catch (const settings_error& error) {
    EXPECT_EQ(std::string(error.what()).rfind("METRICS_LISTEN: cannot listen on 127.0.0.1:", 0), 0u)
        << error.what();
  }
}

}  // namespace
}  // namespace tributary::core
