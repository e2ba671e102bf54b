#include "reconciler/app_jwt.hpp"

#include "core/bounded_json.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

namespace tributary::reconciler {
namespace {

struct pkey_deleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using pkey = std::unique_ptr<EVP_PKEY, pkey_deleter>;

std::string pem_of(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const auto length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

bool verify_rs256(EVP_PKEY* key, std::string_view signed_part, std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(signed_part.data()),
                          signed_part.size()) == 1;
}

class app_jwt_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { key_.reset(EVP_RSA_gen(2048)); }
  static pkey key_;
};
pkey app_jwt_test::key_;

TEST_F(app_jwt_test, is_rs256_signed_with_githubs_claims) {
  ASSERT_TRUE(key_);
  const auto key = app_private_key::from_pem(pem_of(key_.get()));
  const std::chrono::system_clock::time_point now{std::chrono::seconds(1'700'000'000)};
  const auto jwt = make_app_jwt("123456", key, now);

  const auto first_dot = jwt.find('.');
  const auto second_dot = jwt.find('.', first_dot + 1);
  ASSERT_NE(second_dot, std::string::npos);
  const auto header = base64url_decode(jwt.substr(0, first_dot));
  const auto claims = base64url_decode(jwt.substr(first_dot + 1, second_dot - first_dot - 1));
  const auto signature = base64url_decode(jwt.substr(second_dot + 1));

  rapidjson::Document document;
  ASSERT_TRUE(core::parse_bounded_json(document, header).ok());
  EXPECT_STREQ(document["alg"].GetString(), "RS256");
  EXPECT_STREQ(document["typ"].GetString(), "JWT");
  ASSERT_TRUE(core::parse_bounded_json(document, claims).ok());
  EXPECT_EQ(document["iat"].GetInt64(), 1'700'000'000 - 60);
  EXPECT_EQ(document["exp"].GetInt64(), 1'700'000'000 + 540);
  EXPECT_LE(document["exp"].GetInt64() - 1'700'000'000, 600);  // GitHub refuses more than 10 min
  EXPECT_STREQ(document["iss"].GetString(), "123456");

  EXPECT_TRUE(verify_rs256(key_.get(), jwt.substr(0, second_dot), signature));
  auto tampered = jwt.substr(0, second_dot);
  tampered[first_dot + 2] ^= 1;
  EXPECT_FALSE(verify_rs256(key_.get(), tampered, signature));
}

TEST_F(app_jwt_test, another_key_does_not_verify_it) {
  const auto key = app_private_key::from_pem(pem_of(key_.get()));
  const auto jwt = make_app_jwt("1", key, std::chrono::system_clock::now());
  pkey other(EVP_RSA_gen(2048));
  const auto second_dot = jwt.rfind('.');
  EXPECT_FALSE(verify_rs256(other.get(), jwt.substr(0, second_dot), base64url_decode(jwt.substr(second_dot + 1))));
}

TEST(app_private_key, refuses_what_is_not_an_rsa_private_key) {
  EXPECT_THROW(app_private_key::from_pem("not a key"), app_key_error);
  pkey ec_key(EVP_EC_gen("P-256"));
  EXPECT_THROW(app_private_key::from_pem(pem_of(ec_key.get())), app_key_error);
  EXPECT_THROW(app_private_key::from_file("/nonexistent/key.pem"), app_key_error);
}

TEST(base64url, round_trips_every_length) {
  std::string data;
  for (int i = 0; i < 70; ++i) {
    EXPECT_EQ(base64url_decode(base64url_encode(data)), data);
    data += static_cast<char>(i * 37 + 250);
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");  // url alphabet, no padding
}

}  // namespace
}  // namespace tributary::reconciler
