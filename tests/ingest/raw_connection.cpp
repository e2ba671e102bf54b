#include "tests/ingest/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tributary::testing {

raw_connection::raw_connection(int port) {
  socket_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (socket_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const auto error = errno;
    ::close(socket_);
    throw std::runtime_error(std::string("connect: ") + std::strerror(error));
  }
}

raw_connection::~raw_connection() { close(); }

void raw_connection::close() {
  if (socket_ >= 0) ::close(socket_);
  socket_ = -1;
  ended_ = true;
}

bool raw_connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    // MSG_NOSIGNAL: a closed peer is an answer here, not a reason for SIGPIPE to end the test.
    const auto sent = ::send(socket_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool raw_connection::read_some(std::chrono::milliseconds limit) {
  if (ended_) return false;
  pollfd waiting{socket_, POLLIN, 0};
  const int ready = ::poll(&waiting, 1, static_cast<int>(limit.count()));
  if (ready <= 0) return true;  // nothing yet (or EINTR): still open as far as we know
  char chunk[16 * 1024];
  const auto got = ::recv(socket_, chunk, sizeof chunk, 0);
  if (got > 0) {
    received_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }
  if (got < 0 && errno == EINTR) return true;
  ended_ = true;  // 0: end of stream; < 0: reset
  return false;
}

peer_state raw_connection::wait_for_close(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ended_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return peer_state::still_open;
    read_some(std::min(left, std::chrono::milliseconds(100)));
  }
  return peer_state::closed;
}

unsigned raw_connection::read_status(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  const auto start = received_.size();
  while (received_.find("\r\n\r\n", start) == std::string::npos && !ended_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    read_some(std::min(left, std::chrono::milliseconds(100)));
  }
  // "HTTP/1.1 200 OK": the code is the second word.
  const auto response = received_.find("HTTP/1.1 ", start);
  if (response == std::string::npos || received_.size() < response + 12) return 0;
  return static_cast<unsigned>(std::stoul(received_.substr(response + 9, 3)));
}

}  // namespace tributary::testing
