#pragma once

#include <span>
#include <string>
#include <string_view>

namespace tributary::ingest {

/// True when `header` (the value of X-Hub-Signature-256, "sha256=<64 hex digits>") is the
/// HMAC-SHA256 of `body`, the raw bytes as received, under any one of `secrets` (several during a
/// rotation). Every secret is tried and compared in constant time, so neither the answer's timing
/// nor its value tells which secret matched or where a forged digest went wrong.
bool verify_signature(std::span<const std::string> secrets, std::string_view body,
                      std::string_view header);

/// The X-Hub-Signature-256 value GitHub sends for `body` under `secret`.
std::string signature_header(std::string_view secret, std::string_view body);

}  // namespace tributary::ingest
