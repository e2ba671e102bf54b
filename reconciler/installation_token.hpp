#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tributary::reconciler {

/// A GitHub App installation access token (`ghs_…`, valid one hour) and when it expires.
struct installation_token {
  std::string token;  // a secret: never logged
  std::chrono::system_clock::time_point expires_at;
};

/// An installation token answer that is not the documented {"token": ..., "expires_at": ...}.
struct installation_token_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Reads the 201 body of POST /app/installations/{id}/access_tokens. Throws
/// installation_token_error. Pure.
installation_token parse_installation_token(std::string_view body);

/// How long before expiry a token is replaced: a request sent with it never meets its end, even
/// after rate-limit waits of a few minutes.
inline constexpr std::chrono::minutes installation_token_margin{5};

/// Whether `token` must be replaced before the next request: less than `margin` left. Pure.
bool should_refresh(const installation_token& token, std::chrono::system_clock::time_point now,
                    std::chrono::seconds margin = installation_token_margin);

}  // namespace tributary::reconciler
