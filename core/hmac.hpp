#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::core {

using sha256_digest = std::array<std::uint8_t, 32>;

/// HMAC-SHA256 of `data` under `key` (OpenSSL). Thread-safe.
sha256_digest hmac_sha256(std::string_view key, std::string_view data);

/// Lower-case hexadecimal of `bytes`.
std::string to_hex(const std::uint8_t* bytes, std::size_t size);
std::string to_hex(const sha256_digest& digest);

/// Compares in time that depends only on the lengths, never on where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace tributary::core
