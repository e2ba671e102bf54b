#include "reconciler/github_settings.hpp"

#include <filesystem>

namespace tributary::reconciler {

std::vector<core::setting_spec> github_setting_specs() {
  return {
      {"GITHUB_API_URL", "https://api.github.com", "REST base URL: GitHub Enterprise Server's https://HOST/api/v3, or a test server (http:// only on a loopback host)"},
      {"GITHUB_TOKEN", "", "token auth (Authorization: Bearer); or the three GITHUB_APP_* settings", false, true},
      {"GITHUB_APP_ID", "", "GitHub App auth: the app id (or client id) the JWT names as issuer"},
      {"GITHUB_APP_PRIVATE_KEY_FILE", "", "GitHub App auth: the app's RSA private key, PEM"},
      {"GITHUB_APP_INSTALLATION_ID", "", "GitHub App auth: the installation whose access tokens are used"},
      {"GITHUB_CA_FILE", "", "PEM certificates trusted besides the system store (GitHub Enterprise Server with a private CA)"},
      {"GITHUB_REQUEST_TIMEOUT", "30s", "deadline of each connect, TLS handshake, request write and answer read"},
  };
}

github_config make_github_config(const core::settings& settings) {
  github_config config;
  try {
    config.endpoint = parse_api_url(settings.get("GITHUB_API_URL"));
  } catch (const api_url_error& error) {
    throw core::settings_error(error.what());
  }
  const auto token = settings.find("GITHUB_TOKEN").value_or("");
  const auto app_id = settings.find("GITHUB_APP_ID").value_or("");
  const auto key_file = settings.find("GITHUB_APP_PRIVATE_KEY_FILE").value_or("");
  const auto installation = settings.find("GITHUB_APP_INSTALLATION_ID").value_or("");
  const bool any_app = !app_id.empty() || !key_file.empty() || !installation.empty();
  if (!token.empty() && any_app)
    throw core::settings_error("set either GITHUB_TOKEN or the GITHUB_APP_* settings, not both");
  if (!token.empty()) {
    config.auth = token_credentials{token};
  } else if (any_app) {
    if (app_id.empty() || key_file.empty() || installation.empty())
      throw core::settings_error(
          "GitHub App auth needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY_FILE and GITHUB_APP_INSTALLATION_ID");
    if (installation.find_first_not_of("0123456789") != std::string::npos)
      throw core::settings_error("GITHUB_APP_INSTALLATION_ID must be a number");
    if (!std::filesystem::is_regular_file(key_file))
      throw core::settings_error("GITHUB_APP_PRIVATE_KEY_FILE: cannot read " + key_file);
    config.auth = app_credentials{app_id, key_file, installation};
  } else {
    throw core::settings_error(
        "GITHUB_TOKEN (or GITHUB_TOKEN_FILE), or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY_FILE + GITHUB_APP_INSTALLATION_ID, is required");
  }
  config.ca_file = settings.find("GITHUB_CA_FILE").value_or("");
  if (!config.ca_file.empty() && !std::filesystem::is_regular_file(config.ca_file))
    throw core::settings_error("GITHUB_CA_FILE: cannot read " + config.ca_file);
  config.request_timeout = settings.get_duration("GITHUB_REQUEST_TIMEOUT");
  if (config.request_timeout.count() <= 0)
    throw core::settings_error("GITHUB_REQUEST_TIMEOUT must be a positive duration");
  return config;
}

}  // namespace tributary::reconciler
