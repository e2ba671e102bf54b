// The listener's accepted sockets carry TCP_NODELAY. The listener runs in this process, so the
// socket it accepted for our client is one of this process's descriptors, found by its addresses.
#include "ingest/listener.hpp"

#include "core/kafka_producer.hpp"
#include "ingest/ingest_metrics.hpp"
#include "ingest/publisher.hpp"
#include "ingest/service_state.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <prometheus/registry.h>
#include <sys/socket.h>

#include <map>
#include <optional>
#include <string>
#include <thread>

namespace tributary::ingest {
namespace {
namespace net = boost::asio;

/// The descriptor whose local port is `local` and whose peer's port is `peer`, if any.
std::optional<int> find_socket(std::uint16_t local, std::uint16_t peer) {
  for (int fd = 0; fd < 4096; ++fd) {
    sockaddr_in mine{}, theirs{};
    socklen_t length = sizeof mine;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&mine), &length) != 0 ||
        mine.sin_family != AF_INET || ntohs(mine.sin_port) != local)
      continue;
    length = sizeof theirs;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&theirs), &length) == 0 &&
        ntohs(theirs.sin_port) == peer)
      return fd;
  }
  return std::nullopt;
}

TEST(listener, accepts_with_tcp_nodelay) {
  ingest_config config;
  config.max_connections = 10;
  config.header_timeout = std::chrono::seconds(10);
  config.memory_budget_bytes = 1 << 20;
  config.large_body_bytes = 1 << 20;
  prometheus::Registry registry;
  ingest_metrics metrics(registry);
  // Never asked to produce: no broker is needed at that address.
  core::kafka_producer producer(std::map<std::string, std::string>{{"bootstrap.servers", "127.0.0.1:1"}});
  publisher events(producer, "listener-test");
  service_state state(config, nullptr, events, metrics, [] { return false; });
  {
    net::io_context io;
    auto acceptor = std::make_shared<listener>(
        io, net::ip::tcp::endpoint(net::ip::address_v4::loopback(), 0), state);
    acceptor->run();
    std::thread runner([&io] { io.run(); });

    net::io_context client_io;
    net::ip::tcp::socket client(client_io);
    client.connect(acceptor->local_endpoint());
    // The client's socket keeps the default: the option is the server side's.
    net::ip::tcp::no_delay client_option;
    client.get_option(client_option);
    EXPECT_FALSE(client_option.value());

    std::optional<int> accepted;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!(accepted = find_socket(acceptor->local_endpoint().port(), client.local_endpoint().port())) &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_TRUE(accepted) << "the listener never accepted the connection";
    // Wait for the listener's handler to have run: the session counts the connection.
    while (state.connections.load() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    int value = 0;
    socklen_t length = sizeof value;
    ASSERT_EQ(::getsockopt(*accepted, IPPROTO_TCP, TCP_NODELAY, &value, &length), 0);
    EXPECT_EQ(value, 1);

    acceptor->stop();
    client.close();
    io.stop();
    runner.join();
  }  // the io_context destroys the session before `state` goes
}

}  // namespace
}  // namespace tributary::ingest
