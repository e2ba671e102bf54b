#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tributary::devbroker {

/// The control channel: a TCP listener on 127.0.0.1 (port chosen by the kernel) that reads
/// newline-terminated commands and writes one reply line for each. One client at a time: others
/// wait in the listen backlog until it disconnects. Owns its sockets; `run` blocks the calling
/// thread, which is the only one that may use the object.
class control_server {
 public:
  /// Maps one command line (without newline) to its reply (without newline).
  using handler = std::function<std::string(std::string_view line)>;

  /// Binds and listens at once, so that port() is known before run(). Throws std::system_error.
  explicit control_server(handler on_line);
  ~control_server();
  control_server(const control_server&) = delete;
  control_server& operator=(const control_server&) = delete;

  std::uint16_t port() const { return port_; }

  /// Serves until `stop_fd` becomes readable (e.g. the read end of a self-pipe the signal handler
  /// writes to).
  void run(int stop_fd);

 private:
  void on_readable();
  void drop_client();
  bool reply(std::string_view line);

  handler on_line_;
  int listener_ = -1;
  int client_ = -1;
  std::uint16_t port_ = 0;
  std::string pending_;  // bytes of the client's unfinished line
};

}  // namespace tributary::devbroker
