// TLS 1.2 or newer: a client that offers at most TLS 1.1 (or 1.0) is refused with the protocol
// version alert; TLS 1.2 and TLS 1.3 clients are served.
#include "tests/harness/broker_control.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/test_certificate.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace tributary::testing {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace http = boost::beast::http;

/// What one handshake limited to exactly `version` got.
struct handshake_outcome {
  boost::system::error_code error;  // of the handshake
  int negotiated = 0;               // SSL_version() after a successful handshake
  unsigned health_status = 0;       // GET /healthz over the connection, when it was made
};

handshake_outcome handshake_with(int port, int version, const std::string& ca_file) {
  ssl::context tls(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(tls.native_handle(), version);
  SSL_CTX_set_max_proto_version(tls.native_handle(), version);
  // OpenSSL 3 refuses TLS 1.0/1.1 itself at the default security level (SHA-1 signatures); at
  // level 0 this client really offers them, so a refusal can only come from the server.
  SSL_CTX_set_security_level(tls.native_handle(), 0);
  tls.load_verify_file(ca_file);
  tls.set_verify_mode(ssl::verify_peer);

  net::io_context io;
  ssl::stream<net::ip::tcp::socket> stream(io, tls);
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.set_verify_callback(ssl::host_name_verification("localhost"));
  net::ip::tcp::resolver resolver(io);
  net::connect(stream.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
  handshake_outcome outcome;
  stream.handshake(ssl::stream_base::client, outcome.error);
  if (outcome.error) return outcome;
  outcome.negotiated = SSL_version(stream.native_handle());
  http::request<http::empty_body> get{http::verb::get, "/healthz", 11};
  get.set(http::field::host, "localhost");
  get.keep_alive(false);
  http::write(stream, get);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  outcome.health_status = response.result_int();
  return outcome;
}

class ingest_tls_versions : public ::testing::Test {
 protected:
  test_certificate certificate_;
  running_ingest ingest_{fresh_topic("ingest_tls_versions"),
                         {{"INGEST_TLS_CERT", certificate_.certificate_file()},
                          {"INGEST_TLS_KEY", certificate_.key_file()}}};
};

TEST_F(ingest_tls_versions, tls_1_1_and_1_0_are_refused) {
  for (const int version : {TLS1_1_VERSION, TLS1_VERSION}) {
    const auto outcome = handshake_with(ingest_.port(), version, certificate_.certificate_file());
    ASSERT_TRUE(outcome.error) << "version " << std::hex << version << " was accepted";
    // The server's alert, not a local failure to offer the version.
    ASSERT_EQ(outcome.error.category(), net::error::get_ssl_category()) << outcome.error.message();
    EXPECT_EQ(ERR_GET_REASON(static_cast<unsigned long>(outcome.error.value())),
              SSL_R_TLSV1_ALERT_PROTOCOL_VERSION)
        << outcome.error.message();
  }
}

TEST_F(ingest_tls_versions, tls_1_2_and_1_3_are_served) {
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    const auto outcome = handshake_with(ingest_.port(), version, certificate_.certificate_file());
    ASSERT_FALSE(outcome.error) << "version " << std::hex << version << ": " << outcome.error.message();
    EXPECT_EQ(outcome.negotiated, version);
    EXPECT_EQ(outcome.health_status, 200u);
  }
}

}  // namespace
}  // namespace tributary::testing
