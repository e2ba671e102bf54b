// With INGEST_TLS_CERT/KEY set, plain HTTP on the port gets a fixed 400 without its body being
// read, except the probes; INGEST_ALLOW_PLAINTEXT=true serves it (behind a TLS-terminating proxy).
#include "tests/harness/broker_control.hpp"
#include "tests/ingest/raw_connection.hpp"
#include "tests/ingest/running_ingest.hpp"
#include "tests/ingest/test_certificate.hpp"
#include "tests/ingest/webhook_traffic.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;

class ingest_plaintext : public ::testing::Test {
 protected:
  std::map<std::string, std::optional<std::string>> tls_environment() const {
    return {{"INGEST_TLS_CERT", certificate_.certificate_file()},
            {"INGEST_TLS_KEY", certificate_.key_file()}};
  }
  /// One signed delivery over TLS (verified against the test certificate) and its status.
  unsigned send_over_tls(const running_ingest& ingest) const {
    auto url = ingest.url(true);
    url.host = "localhost";
    const auto traffic = example_traffic(url, running_ingest::secret, 1, 0);
    return send_one(url, traffic.requests[0], certificate_.certificate_file()).status;
  }

  test_certificate certificate_;
  std::string topic_ = fresh_topic("ingest_plaintext");
};

TEST_F(ingest_plaintext, refused_with_tls_configured_but_probes_answered) {
  running_ingest ingest(topic_, tls_environment());
  const auto plain = ingest.url();
  const auto traffic = example_traffic(plain, running_ingest::secret, 1, 0);
  const auto refused = send_one(plain, traffic.requests[0]);
  EXPECT_EQ(refused.status, 400u);
  EXPECT_EQ(refused.body, R"({"error":"HTTPS required"})");

  // Answered before the body: a client that sends only the header still gets it, and the
  // connection is closed.
  raw_connection connection(ingest.port());
  ASSERT_TRUE(connection.send("POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: "
                              "application/json\r\nContent-Length: 5000\r\n\r\n"));
  EXPECT_EQ(connection.read_status(10s), 400u) << connection.received();
  EXPECT_NE(connection.received().find("Connection: close"), std::string::npos)
      << connection.received();

  // Kubelet probes speak plain HTTP.
  EXPECT_EQ(readiness(plain), 200u);
  replay::webhook_request health{http::verb::get, "/healthz", 11};
  health.set(http::field::host, "127.0.0.1");
  auto health_url = plain;
  health_url.target = "/healthz";
  EXPECT_EQ(send_one(health_url, health).status, 200u);

  EXPECT_EQ(send_over_tls(ingest), 202u);
}

TEST_F(ingest_plaintext, allowed_by_the_setting_and_tls_still_served) {
  auto environment = tls_environment();
  environment["INGEST_ALLOW_PLAINTEXT"] = "true";
  running_ingest ingest(topic_, environment);
  const auto plain = ingest.url();
  const auto traffic = example_traffic(plain, running_ingest::secret, 1, 0);
  EXPECT_EQ(send_one(plain, traffic.requests[0]).status, 202u);
  EXPECT_EQ(send_over_tls(ingest), 202u);
}

}  // namespace
}  // namespace tributary::testing
