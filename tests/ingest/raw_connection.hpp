#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>

namespace tributary::testing {

/// How a wait on a raw_connection ended.
enum class peer_state {
  closed,     // the server closed the connection (end of stream or reset)
  still_open  // nothing ended it within the wait
};

/// For test failure messages.
inline std::ostream& operator<<(std::ostream& out, peer_state state) {
  return out << (state == peer_state::closed ? "closed" : "still open");
}

/// A blocking TCP connection to 127.0.0.1:`port` that sends exactly the bytes it is given, for
/// tests that must act as a client no library would be: one that stalls halfway through a request,
/// or just holds a connection. Closed on destruction. One thread uses it at a time.
class raw_connection {
 public:
  /// Connects; throws std::runtime_error when the connection can't be made.
  explicit raw_connection(int port);
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  /// Sends `bytes`; false when the server has already closed or reset the connection.
  bool send(std::string_view bytes);
  /// Reads until the server closes the connection or `limit` has passed; what arrived is kept
  /// in received(). `limit` bounds a hang, it is not a measure of speed.
  peer_state wait_for_close(std::chrono::milliseconds limit);
  /// Reads until the received bytes hold one whole HTTP response header, the connection ends or
  /// `limit` passes; returns the status code of the first response, 0 if none arrived.
  unsigned read_status(std::chrono::milliseconds limit);
  /// Every byte received so far.
  const std::string& received() const { return received_; }
  void close();

 private:
  /// One read of whatever arrives within `limit`; false once the connection has ended.
  bool read_some(std::chrono::milliseconds limit);

  int socket_ = -1;
  bool ended_ = false;
  std::string received_;
};

}  // namespace tributary::testing
