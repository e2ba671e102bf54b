#include "ingest/signature.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tributary::ingest {
namespace {

// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
constexpr std::string_view github_secret = "It's a Secret to Everybody";
constexpr std::string_view github_payload = "Hello, World!";
constexpr std::string_view github_signature =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

TEST(signature, github_test_vector_passes) {
  const std::vector<std::string> secrets{std::string(github_secret)};
  EXPECT_TRUE(verify_signature(secrets, github_payload, github_signature));
  EXPECT_EQ(signature_header(github_secret, github_payload), github_signature);
}

TEST(signature, upper_case_digits_pass) {
  std::string upper(github_signature);
  for (std::size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_TRUE(verify_signature(std::vector<std::string>{std::string(github_secret)}, github_payload, upper));
}

TEST(signature, any_secret_of_a_rotation_passes) {
  const std::vector<std::string> secrets{"old secret", std::string(github_secret), "next secret"};
  EXPECT_TRUE(verify_signature(secrets, github_payload, github_signature));
}

TEST(signature, wrong_secret_fails) {
  EXPECT_FALSE(verify_signature(std::vector<std::string>{"It's a secret to everybody"}, github_payload,
                                github_signature));
}

TEST(signature, changed_body_fails) {
  const std::vector<std::string> secrets{std::string(github_secret)};
  EXPECT_FALSE(verify_signature(secrets, "Hello, World!\n", github_signature));
  EXPECT_FALSE(verify_signature(secrets, "Hello, World", github_signature));
}

TEST(signature, every_single_digit_change_fails) {
  const std::vector<std::string> secrets{std::string(github_secret)};
  for (std::size_t i = 7; i < github_signature.size(); ++i) {
    std::string forged(github_signature);
    forged[i] = forged[i] == '0' ? '1' : '0';
    EXPECT_FALSE(verify_signature(secrets, github_payload, forged)) << "digit " << i;
  }
}

TEST(signature, malformed_headers_fail) {
  const std::vector<std::string> secrets{std::string(github_secret)};
  const std::string digest(github_signature.substr(7));
  for (const std::string& header :
       {std::string(), std::string("sha256="), digest, "sha1=" + digest, "SHA256=" + digest,
        std::string(github_signature) + "0", std::string(github_signature.substr(0, 70)),
        "sha256= " + digest.substr(1)}) {
    EXPECT_FALSE(verify_signature(secrets, github_payload, header)) << header;
  }
}

TEST(signature, empty_secrets_never_match) {
  const std::vector<std::string> secrets{""};
  EXPECT_FALSE(verify_signature(secrets, github_payload, signature_header("", github_payload)));
  EXPECT_FALSE(verify_signature({}, github_payload, github_signature));
}

}  // namespace
}  // namespace tributary::ingest
