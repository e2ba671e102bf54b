#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace tributary::reconciler {

/// A GitHub App's private key could not be read or used. `what()` names the file, never the key.
struct app_key_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A GitHub App's RSA private key (the PEM GitHub lets you download). Owns the OpenSSL key; may
/// be moved, not copied; signing is const, so any thread may sign with it.
class app_private_key {
 public:
  /// Throws app_key_error when `pem` is not an RSA private key.
  static app_private_key from_pem(std::string_view pem);
  /// Reads `path` (GITHUB_APP_PRIVATE_KEY_FILE). Throws app_key_error.
  static app_private_key from_file(const std::string& path);

  /// RSASSA-PKCS1-v1_5 with SHA-256 (JWS "RS256") of `data`.
  std::string sign_rs256(std::string_view data) const;

 private:
  struct key_deleter {
    void operator()(EVP_PKEY* key) const;
  };
  explicit app_private_key(EVP_PKEY* key) : key_(key) {}
  std::unique_ptr<EVP_PKEY, key_deleter> key_;
};

/// The JWT a GitHub App authenticates as itself with (GitHub's "Generating a JSON Web Token for a
/// GitHub App"): header {"alg":"RS256","typ":"JWT"}, claims iat = now − 60 s (clock drift),
/// exp = now + 9 min (GitHub refuses more than 10), iss = the app id (or client id). Pure but for
/// the signature's arithmetic.
std::string make_app_jwt(std::string_view app_id, const app_private_key& key,
                         std::chrono::system_clock::time_point now);

/// Base64url without padding (RFC 7515 §2), and its inverse (nothing on a bad input). Pure.
std::string base64url_encode(std::string_view data);
std::string base64url_decode(std::string_view text);

}  // namespace tributary::reconciler
