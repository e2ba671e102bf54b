// Interposes accept(2) and accept4(2) for the devbroker process: every socket accepted here, above
// all the connections librdkafka's mock brokers accept, gets TCP_NODELAY, as a Kafka broker sets it
// (Kafka's SocketServer). The mock cluster leaves Nagle's algorithm on, and a small Produce answer
// then waits for the client's delayed ACK: a ~40 ms stall that no real Kafka has, which made every
// latency measured through the devbroker wrong (issue 10: ingest's p99 at 32 connections went from
// 46 ms to 4.9 ms once the broker set it). librdkafka offers no hook on the sockets its mock
// brokers accept, and it is a shared library: a definition in the executable comes first in the
// symbol lookup, and the real call is found with dlsym(RTLD_NEXT).
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace {

using accept_function = int (*)(int, sockaddr*, socklen_t*);
using accept4_function = int (*)(int, sockaddr*, socklen_t*, int);

// Fails quietly on what is not TCP (a Unix socket): nothing to do there.
void set_no_delay(int socket) {
  const int on = 1;
  ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

}  // namespace

extern "C" int accept(int listener, sockaddr* address, socklen_t* length) {
  static const auto next = reinterpret_cast<accept_function>(::dlsym(RTLD_NEXT, "accept"));
  const int socket = next(listener, address, length);
  if (socket >= 0) set_no_delay(socket);
  return socket;
}

extern "C" int accept4(int listener, sockaddr* address, socklen_t* length, int flags) {
  static const auto next = reinterpret_cast<accept4_function>(::dlsym(RTLD_NEXT, "accept4"));
  const int socket = next(listener, address, length, flags);
  if (socket >= 0) set_no_delay(socket);
  return socket;
}
