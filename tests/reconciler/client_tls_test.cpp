// TLS against the fake: the client refuses a certificate that does not verify or names another
// host, and accepts one signed by the CA given as GITHUB_CA_FILE.
#include "tests/reconciler/client_fixture.hpp"
#include "tests/reconciler/test_authority.hpp"

#include <gtest/gtest.h>

namespace tributary::testing {
namespace {

class client_tls_test : public client_fixture {
 protected:
  static void SetUpTestSuite() { authority_ = new test_authority(); }
  static void TearDownTestSuite() { delete authority_; }

  std::unique_ptr<fake_github> tls_fake() {
    fake_github_options options;
    options.certificate_file = authority_->certificate_file();
    options.key_file = authority_->key_file();
    auto fake = std::make_unique<fake_github>(options);
    fake->edit([](fake_github_content& content) { content.add_repository({"octo-org", "hello", 150, 0, 0}); });
    return fake;
  }

  static test_authority* authority_;
};
test_authority* client_tls_test::authority_ = nullptr;

TEST_F(client_tls_test, accepts_a_server_signed_by_the_configured_ca) {
  auto fake = tls_fake();
  auto config = token_config(fake->url());  // https://localhost:PORT
  config.ca_file = authority_->ca_file();
  reconciler::github_client client(config, hooks());
  std::size_t pulls = 0;
  client.walk_pages("/repos/octo-org/hello/pulls",
                    [&](const reconciler::api_response&, const rapidjson::Document* page) { pulls += page->Size(); });
  EXPECT_EQ(pulls, 150u);
  EXPECT_EQ(fake->connections_accepted(), 1u);
  EXPECT_TRUE(fake->requests()[1].target.find("page=2") != std::string::npos);  // https links followed
}

TEST_F(client_tls_test, refuses_a_certificate_that_does_not_verify) {
  auto fake = tls_fake();
  reconciler::github_client client(token_config(fake->url()), hooks());  // system store only
  try {
    client.send(reconciler::api_get("/repos/octo-org/hello"));
    FAIL() << "no error";
  } catch (const reconciler::transport_error& error) {
    EXPECT_TRUE(error.tls_refused) << error.what();
  }
  EXPECT_TRUE(fake->requests().empty());  // nothing, the token included, was sent
}

TEST_F(client_tls_test, refuses_a_certificate_for_another_name) {
  auto fake = tls_fake();
  // The certificate names localhost; 127.0.0.1 is the same server under a name it does not carry.
  auto config = token_config("https://127.0.0.1:" + std::to_string(fake->port()));
  config.ca_file = authority_->ca_file();
  reconciler::github_client client(config, hooks());
  try {
    client.send(reconciler::api_get("/repos/octo-org/hello"));
    FAIL() << "no error";
  } catch (const reconciler::transport_error& error) {
    EXPECT_TRUE(error.tls_refused) << error.what();
  }
  EXPECT_TRUE(fake->requests().empty());
}

TEST_F(client_tls_test, a_plain_http_server_is_not_reached_over_https) {
  // fake_ speaks plain HTTP: the TLS handshake fails instead of falling back.
  reconciler::github_client client(token_config("https://localhost:" + std::to_string(fake_->port())), hooks());
  EXPECT_THROW(client.send(reconciler::api_get("/repos/octo-org/hello")), reconciler::transport_error);
  EXPECT_TRUE(fake_->requests().empty());
}

}  // namespace
}  // namespace tributary::testing
