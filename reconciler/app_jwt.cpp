#include "reconciler/app_jwt.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>
#include <fstream>
#include <sstream>

namespace tributary::reconciler {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct md_context_deleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

}  // namespace

void app_private_key::key_deleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

app_private_key app_private_key::from_pem(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
  if (!bio) throw app_key_error("cannot read the GitHub App private key");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) throw app_key_error("the GitHub App private key is not a PEM private key");
  app_private_key result(key);
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
    throw app_key_error("the GitHub App private key is not an RSA key");
  return result;
}

app_private_key app_private_key::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw app_key_error("cannot read GITHUB_APP_PRIVATE_KEY_FILE " + path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    return from_pem(text.str());
  } catch (const app_key_error& error) {
    throw app_key_error(std::string(error.what()) + " (" + path + ")");
  }
}

std::string app_private_key::sign_rs256(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, md_context_deleter> context(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!context ||
      EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw app_key_error("cannot sign with the GitHub App private key");
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw app_key_error("cannot sign with the GitHub App private key");
  signature.resize(length);
  return signature;
}

std::string base64url_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const auto n = (std::uint32_t(std::uint8_t(data[i])) << 16) |
                   (std::uint32_t(std::uint8_t(data[i + 1])) << 8) | std::uint8_t(data[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i + 1 == data.size()) {
    const auto n = std::uint32_t(std::uint8_t(data[i])) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
  } else if (i + 2 == data.size()) {
    const auto n = (std::uint32_t(std::uint8_t(data[i])) << 16) | (std::uint32_t(std::uint8_t(data[i + 1])) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
  }
  return out;
}

std::string base64url_decode(std::string_view text) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const auto value = alphabet.find(c);
    if (value == std::string_view::npos) return {};
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

std::string make_app_jwt(std::string_view app_id, const app_private_key& key,
                         std::chrono::system_clock::time_point now) {
  using namespace std::chrono_literals;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::string issuer;
  for (const char c : app_id) {  // an app id or client id: digits and letters, escaped anyway
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) continue;
    issuer += c;
  }
  const std::string header = R"({"alg":"RS256","typ":"JWT"})";
  const std::string claims = "{\"iat\":" + std::to_string(seconds - 60) +
                             ",\"exp\":" + std::to_string(seconds + 9 * 60) + ",\"iss\":\"" +
                             issuer + "\"}";
  const auto signing_input = base64url_encode(header) + "." + base64url_encode(claims);
  return signing_input + "." + base64url_encode(key.sign_rs256(signing_input));
}

}  // namespace tributary::reconciler
