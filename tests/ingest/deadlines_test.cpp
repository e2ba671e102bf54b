// No slow client holds a connection for ever: a header (or the keep-alive wait, or a TLS client
// that says nothing) is cut after INGEST_HEADER_TIMEOUT, a body after INGEST_BODY_TIMEOUT, and
// trickling bytes does not move either deadline. The waits below bound a hang; with the deadline
// missing the connection would stay open and the test fail.
#include "tests/harness/broker_control.hpp"
#include "tests/harness/wait_until.hpp"
#include "tests/harness/metrics_scrape.hpp"
#include "tests/ingest/raw_connection.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/test_certificate.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>

#include <sstream>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* health_request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// The header of `request` as it goes on the wire, and its body apart.
std::pair<std::string, std::string> wire_parts(const replay::webhook_request& request) {
  std::ostringstream wire;
  wire << request;  // Content-Length set: the body follows the header as is
  const auto text = wire.str();
  const auto end = text.find("\r\n\r\n") + 4;
  return {text.substr(0, end), text.substr(end)};
}

/// Open connections as ingest counts them, once they have settled at `expected` (bounded wait).
bool open_connections_reach(const running_ingest& ingest, double expected) {
  return wait_until(
      [&] {
        return metrics_scrape::fetch(ingest.metrics_port()).find("tributary_ingest_open_connections") ==
               expected;
      },
      20s, 100ms);
}

class ingest_header_deadline : public ::testing::Test {
 protected:
  // A long body timeout, so that only the header deadline can explain a closed connection.
  running_ingest ingest_{fresh_topic("ingest_deadline"),
                         {{"INGEST_HEADER_TIMEOUT", "1s"}, {"INGEST_BODY_TIMEOUT", "60s"}}};
};

TEST_F(ingest_header_deadline, half_a_request_header_is_cut) {
  raw_connection stalled(ingest_.port());
  ASSERT_TRUE(stalled.send("POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nX-GitHub-Ev"));
  EXPECT_EQ(stalled.wait_for_close(20s), peer_state::closed);
  EXPECT_EQ(stalled.received(), "") << "a stalled header gets no answer, just the close";

  // Meanwhile a prompt client is served.
  raw_connection prompt(ingest_.port());
  ASSERT_TRUE(prompt.send(health_request));
  EXPECT_EQ(prompt.read_status(20s), 200u);
  prompt.close();
  EXPECT_TRUE(open_connections_reach(ingest_, 0)) << "a cut connection still counts as open";
}

TEST_F(ingest_header_deadline, half_a_request_line_is_cut) {
  raw_connection stalled(ingest_.port());
  ASSERT_TRUE(stalled.send("POST /webho"));
  EXPECT_EQ(stalled.wait_for_close(20s), peer_state::closed);
}

TEST_F(ingest_header_deadline, trickling_header_bytes_does_not_extend_the_deadline) {
  // One byte every 100 ms would keep a per-read timeout alive for ever; the deadline is for the
  // whole header. 200 bytes at that pace last 20 s, far past the 1 s allowed.
  std::string header = "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ";
  header.resize(200, 'x');
  raw_connection slow(ingest_.port());
  peer_state state = peer_state::still_open;
  for (const char byte : header) {
    if (!slow.send(std::string_view(&byte, 1))) {
      state = peer_state::closed;
      break;
    }
    state = slow.wait_for_close(100ms);
    if (state == peer_state::closed) break;
  }
  EXPECT_EQ(state, peer_state::closed) << "the whole header trickled in without being cut";
}

TEST_F(ingest_header_deadline, an_idle_keep_alive_connection_is_closed) {
  raw_connection idle(ingest_.port());
  ASSERT_TRUE(idle.send(health_request));
  ASSERT_EQ(idle.read_status(20s), 200u);
  EXPECT_EQ(idle.wait_for_close(20s), peer_state::closed);
}

TEST(ingest_tls_deadline, a_tls_port_client_that_says_nothing_is_cut) {
  const test_certificate certificate;
  running_ingest ingest(fresh_topic("ingest_deadline"),
                        {{"INGEST_HEADER_TIMEOUT", "1s"},
                         {"INGEST_BODY_TIMEOUT", "60s"},
                         {"INGEST_TLS_CERT", certificate.certificate_file()},
                         {"INGEST_TLS_KEY", certificate.key_file()}});
  raw_connection silent(ingest.port());
  EXPECT_EQ(silent.wait_for_close(20s), peer_state::closed);
  // The first bytes of a ClientHello (record header: handshake, TLS 1.0 record version), then
  // nothing: the handshake has the same deadline.
  raw_connection half_hello(ingest.port());
  ASSERT_TRUE(half_hello.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)));
  EXPECT_EQ(half_hello.wait_for_close(20s), peer_state::closed);
}

TEST(ingest_body_deadline, a_body_stalled_after_its_header_is_cut) {
  // A long header timeout: only the body deadline can close the connection within the wait.
  running_ingest ingest(fresh_topic("ingest_deadline"),
                        {{"INGEST_HEADER_TIMEOUT", "60s"}, {"INGEST_BODY_TIMEOUT", "1s"}});
  const auto traffic = example_traffic(ingest.url(), running_ingest::secret, 2, 0);

  const auto [header, body] = wire_parts(traffic.requests[0]);
  ASSERT_GT(body.size(), 100u);
  raw_connection stalled(ingest.port());
  ASSERT_TRUE(stalled.send(header + body.substr(0, body.size() / 2)));
  EXPECT_EQ(stalled.wait_for_close(20s), peer_state::closed);
  EXPECT_EQ(stalled.received().find("HTTP/1.1 2"), std::string::npos)
      << "a request whose body never arrived was accepted: " << stalled.received();

  // The same kind of request, sent whole, is accepted with the same settings.
  EXPECT_EQ(send_one(ingest.url(), traffic.requests[1]).status, 202u);
  EXPECT_TRUE(open_connections_reach(ingest, 0));
}

}  // namespace
}  // namespace tributary::testing
