#pragma once

#include "core/settings.hpp"
#include "reconciler/api_url.hpp"

#include <chrono>
#include <string>
#include <variant>
#include <vector>

namespace tributary::reconciler {

/// GITHUB_TOKEN: a personal access token or any other bearer token.
struct token_credentials {
  std::string token;  // a secret: never logged
};

/// A GitHub App installation: the app signs JWTs with its key and exchanges them for installation
/// tokens (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY_FILE, GITHUB_APP_INSTALLATION_ID).
struct app_credentials {
  std::string app_id;
  std::string private_key_file;
  std::string installation_id;
};

using credentials = std::variant<token_credentials, app_credentials>;

/// How the reconciler reaches GitHub's REST API, validated. Immutable once made.
struct github_config {
  api_endpoint endpoint;
  credentials auth;
  std::string ca_file;  // GITHUB_CA_FILE: a PEM bundle trusted besides the system's (GHES private CA)
  std::chrono::milliseconds request_timeout{};
};

/// The GitHub settings the reconciler declares (CONTRACT.md's plus GITHUB_CA_FILE and
/// GITHUB_REQUEST_TIMEOUT), with defaults.
std::vector<core::setting_spec> github_setting_specs();

/// Validates them: exactly one of GITHUB_TOKEN and the three GITHUB_APP_* settings; throws
/// core::settings_error with one line naming the faulty setting.
github_config make_github_config(const core::settings& settings);

}  // namespace tributary::reconciler
