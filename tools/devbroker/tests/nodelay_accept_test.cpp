// The mock brokers' accepted sockets carry TCP_NODELAY (nodelay_accept.cpp, linked into this test
// as into tributary-devbroker). The cluster runs in this process, so the socket a mock broker
// accepted for our client is one of this process's descriptors, found by its two addresses.
#include "tools/devbroker/mock_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace tributary::devbroker {
namespace {

std::uint16_t port_of(const sockaddr_in& address) { return ntohs(address.sin_port); }

/// The descriptor whose local port is `local` and whose peer's port is `peer`, if any.
std::optional<int> find_socket(std::uint16_t local, std::uint16_t peer) {
  for (int fd = 0; fd < 4096; ++fd) {
    sockaddr_in mine{}, theirs{};
    socklen_t length = sizeof mine;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&mine), &length) != 0 ||
        mine.sin_family != AF_INET || port_of(mine) != local)
      continue;
    length = sizeof theirs;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&theirs), &length) == 0 &&
        port_of(theirs) == peer)
      return fd;
  }
  return std::nullopt;
}

int no_delay_of(int fd) {
  int value = -1;
  socklen_t length = sizeof value;
  EXPECT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length), 0);
  return value;
}

TEST(devbroker_nodelay, a_mock_broker_accepts_with_tcp_nodelay) {
  mock_cluster cluster(1);
  const auto& servers = cluster.bootstrap_servers();  // "127.0.0.1:PORT"
  const auto broker_port = static_cast<std::uint16_t>(std::stoi(servers.substr(servers.rfind(':') + 1)));

  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(client, 0);
  sockaddr_in broker{};
  broker.sin_family = AF_INET;
  broker.sin_port = htons(broker_port);
  broker.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&broker), sizeof broker), 0);
  sockaddr_in mine{};
  socklen_t length = sizeof mine;
  ASSERT_EQ(::getsockname(client, reinterpret_cast<sockaddr*>(&mine), &length), 0);
  // The client's own socket is left as a client leaves it: the option is the broker side's.
  EXPECT_EQ(no_delay_of(client), 0);

  // The cluster's thread accepts when it next polls: wait for the socket to appear.
  std::optional<int> accepted;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(accepted = find_socket(broker_port, port_of(mine))) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(accepted) << "the mock broker never accepted the connection";
  EXPECT_EQ(no_delay_of(*accepted), 1);
  ::close(client);
}

}  // namespace
}  // namespace tributary::devbroker
