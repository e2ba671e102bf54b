#include "ingest/signature.hpp"

#include "core/hmac.hpp"

#include <algorithm>
#include <cctype>

namespace tributary::ingest {
namespace {

constexpr std::string_view k_prefix = "sha256=";
constexpr std::size_t k_hex_digits = 64;

}  // namespace

bool verify_signature(std::span<const std::string> secrets, std::string_view body,
                      std::string_view header) {
  if (header.size() != k_prefix.size() + k_hex_digits || !header.starts_with(k_prefix)) return false;
  // GitHub sends lower case; accept upper case digits too, as hexadecimal allows.
  std::string given(header.substr(k_prefix.size()));
  std::transform(given.begin(), given.end(), given.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  bool matched = false;
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;  // an empty secret would let anyone sign
    matched |= core::constant_time_equal(core::to_hex(core::hmac_sha256(secret, body)), given);
  }
  return matched;
}

std::string signature_header(std::string_view secret, std::string_view body) {
  return std::string(k_prefix) + core::to_hex(core::hmac_sha256(secret, body));
}

}  // namespace tributary::ingest
