#include "tools/devbroker/control_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "core/log.hpp"

namespace tributary::devbroker {
namespace {

const core::logger control_log("devbroker");

// A command is a few words; anything longer is a confused client, not a command.
constexpr std::size_t max_line_bytes = 4096;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

control_server::control_server(handler on_line) : on_line_(std::move(on_line)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw_errno("control socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int saved = errno;
    ::close(listener_);
    throw std::system_error(saved, std::generic_category(), "control listener");
  }
  port_ = ntohs(address.sin_port);
}

control_server::~control_server() {
  drop_client();
  if (listener_ >= 0) ::close(listener_);
}

void control_server::drop_client() {
  if (client_ >= 0) ::close(client_);
  client_ = -1;
  pending_.clear();
}

bool control_server::reply(std::string_view line) {
  std::string out(line);
  out += '\n';
  std::size_t sent = 0;
  while (sent < out.size()) {
    // MSG_NOSIGNAL: a client that hung up must not kill the broker with SIGPIPE.
    const ssize_t n = ::send(client_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void control_server::on_readable() {
  char buffer[1024];
  const ssize_t n = ::recv(client_, buffer, sizeof buffer, 0);
  if (n < 0 && errno == EINTR) return;
  if (n <= 0) {
    drop_client();
    return;
  }
  pending_.append(buffer, static_cast<std::size_t>(n));
  std::size_t newline;
  while ((newline = pending_.find('\n')) != std::string::npos) {
    const std::string line = pending_.substr(0, newline);
    pending_.erase(0, newline + 1);
    const std::string answer = on_line_(line);
    control_log.info("control command", {{"command", line}, {"reply", answer}});
    if (!reply(answer)) {
      drop_client();
      return;
    }
  }
  if (pending_.size() > max_line_bytes) {
    reply("error line too long");
    drop_client();
  }
}

void control_server::run(int stop_fd) {
  for (;;) {
    pollfd fds[2] = {{stop_fd, POLLIN, 0}, {client_ >= 0 ? client_ : listener_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw_errno("poll");
    }
    if (fds[0].revents != 0) return;
    if (fds[1].revents == 0) continue;
    if (client_ >= 0) {
      on_readable();
    } else {
      client_ = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client_ < 0 && errno != EINTR && errno != ECONNABORTED)
        control_log.warning("control accept failed", {{"errno", errno}});
    }
  }
}

}  // namespace tributary::devbroker
