#include "tests/harness/broker_control.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tests/harness/services.hpp"
#include "tests/harness/unique_name.hpp"

namespace tributary::testing {
namespace {

/// Owns one connected socket.
class connected_socket {
 public:
  explicit connected_socket(const std::string& address) {
    const std::size_t colon = address.rfind(':');
    if (colon == std::string::npos) throw harness_error("bad control address '" + address + "'");
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
    if (::inet_pton(AF_INET, address.substr(0, colon).c_str(), &target.sin_addr) != 1)
      throw harness_error("bad control address '" + address + "'");
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw harness_error(std::string("control socket: ") + std::strerror(errno));
    // A devbroker that stops answering must fail the test, not hang it.
    const timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
      const int saved = errno;
      ::close(fd_);
      throw harness_error("cannot reach the devbroker control channel at " + address + ": " +
                          std::strerror(saved));
    }
  }
  ~connected_socket() { ::close(fd_); }
  connected_socket(const connected_socket&) = delete;
  connected_socket& operator=(const connected_socket&) = delete;

  void write_all(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw harness_error(std::string("control send: ") + std::strerror(errno));
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  std::string read_line() {
    std::string line;
    char c;
    for (;;) {
      const ssize_t n = ::recv(fd_, &c, 1, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw harness_error(std::string("control reply: ") + std::strerror(errno));
      if (n == 0) throw harness_error("the devbroker closed the control connection");
      if (c == '\n') return line;
      line += c;
    }
  }

 private:
  int fd_ = -1;
};

std::string broker_argument(int id) {
  return id == broker_control::all ? "all" : std::to_string(id);
}

}  // namespace

broker_control::broker_control() : address_(services().broker_control()) {}

broker_control::broker_control(std::string address) : address_(std::move(address)) {}

std::string broker_control::send(std::string_view line) {
  connected_socket socket(address_);
  socket.write_all(std::string(line) + "\n");
  return socket.read_line();
}

void broker_control::expect_ok(std::string_view line) {
  const std::string reply = send(line);
  if (reply != "ok") throw harness_error("devbroker: '" + std::string(line) + "' → " + reply);
}

void broker_control::down(int id) { expect_ok("broker-down " + broker_argument(id)); }

void broker_control::up(int id) { expect_ok("broker-up " + broker_argument(id)); }

void broker_control::push_errors(int broker_id, std::string_view api_key,
                                 const std::vector<int>& codes) {
  std::string line = "push-errors " + broker_argument(broker_id) + " " + std::string(api_key);
  for (const int code : codes) line += " " + std::to_string(code);
  expect_ok(line);
}

void broker_control::create_topic(std::string_view name, int partitions) {
  expect_ok("create-topic " + std::string(name) + " " + std::to_string(partitions));
}

void broker_control::ping() { expect_ok("ping"); }

std::string fresh_topic(std::string_view prefix, int partitions) {
  std::string name = unique_name(prefix, 200);
  broker_control().create_topic(name, partitions);
  return name;
}

}  // namespace tributary::testing
