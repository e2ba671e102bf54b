// Deadlines: a server that accepts the connection and never answers does not hang the client.
#include "tests/reconciler/client_fixture.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

namespace tributary::testing {
namespace {

TEST_F(client_fixture, a_server_that_never_answers_meets_the_deadline) {
  // The kernel completes the handshake from the listen backlog; nothing ever reads or writes.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto config = token_config("http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()));
  config.request_timeout = std::chrono::milliseconds(300);
  reconciler::github_client client(config, hooks());
  try {
    client.send(reconciler::api_get("/repos/octo-org/hello"));
    FAIL() << "no error";
  } catch (const reconciler::transport_error& error) {
    EXPECT_FALSE(error.tls_refused);
    EXPECT_NE(std::string(error.what()).find("read"), std::string::npos) << error.what();
  }
}

TEST_F(client_fixture, a_refused_connection_is_a_transport_error) {
  boost::asio::io_context io;
  std::uint16_t port = 0;
  {
    boost::asio::ip::tcp::acceptor closed(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = closed.local_endpoint().port();
  }
  reconciler::github_client client(token_config("http://127.0.0.1:" + std::to_string(port)), hooks());
  EXPECT_THROW(client.send(reconciler::api_get("/repos/octo-org/hello")), reconciler::transport_error);
}

}  // namespace
}  // namespace tributary::testing
