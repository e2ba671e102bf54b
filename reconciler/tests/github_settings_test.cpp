#include "reconciler/github_settings.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace tributary::reconciler {
namespace {

github_config config_from(const std::map<std::string, std::string>& environment) {
  const auto specs = github_setting_specs();
  return make_github_config(core::settings::load(specs, {}, environment));
}

TEST(github_settings, token_auth_with_defaults) {
  const auto config = config_from({{"GITHUB_TOKEN", "ghp_x"}});
  EXPECT_EQ(config.endpoint.host, "api.github.com");
  EXPECT_TRUE(config.endpoint.tls);
  ASSERT_TRUE(std::holds_alternative<token_credentials>(config.auth));
  EXPECT_EQ(std::get<token_credentials>(config.auth).token, "ghp_x");
  EXPECT_EQ(config.request_timeout, std::chrono::seconds(30));
}

TEST(github_settings, app_auth_needs_all_three) {
  const auto key = std::filesystem::temp_directory_path() / "tributary_github_settings_key.pem";
  std::ofstream(key) << "not read here";
  const auto config = config_from({{"GITHUB_APP_ID", "42"},
                                   {"GITHUB_APP_PRIVATE_KEY_FILE", key.string()},
                                   {"GITHUB_APP_INSTALLATION_ID", "7"}});
  ASSERT_TRUE(std::holds_alternative<app_credentials>(config.auth));
  EXPECT_EQ(std::get<app_credentials>(config.auth).installation_id, "7");
  EXPECT_THROW(config_from({{"GITHUB_APP_ID", "42"}, {"GITHUB_APP_INSTALLATION_ID", "7"}}), core::settings_error);
  EXPECT_THROW(config_from({{"GITHUB_APP_ID", "42"},
                            {"GITHUB_APP_PRIVATE_KEY_FILE", key.string()},
                            {"GITHUB_APP_INSTALLATION_ID", "7"},
                            {"GITHUB_TOKEN", "ghp_x"}}),
               core::settings_error);
  EXPECT_THROW(config_from({{"GITHUB_APP_ID", "42"},
                            {"GITHUB_APP_PRIVATE_KEY_FILE", "/nonexistent.pem"},
                            {"GITHUB_APP_INSTALLATION_ID", "7"}}),
               core::settings_error);
  std::filesystem::remove(key);
}

TEST(github_settings, refuses_missing_credentials_and_clear_text_to_a_remote_host) {
  EXPECT_THROW(config_from({}), core::settings_error);
  EXPECT_THROW(config_from({{"GITHUB_TOKEN", "x"}, {"GITHUB_API_URL", "http://ghe.example.com/api/v3"}}),
               core::settings_error);
  EXPECT_THROW(config_from({{"GITHUB_TOKEN", "x"}, {"GITHUB_CA_FILE", "/nonexistent.pem"}}), core::settings_error);
  EXPECT_THROW(config_from({{"GITHUB_TOKEN", "x"}, {"GITHUB_REQUEST_TIMEOUT", "0s"}}), core::settings_error);
}

}  // namespace
}  // namespace tributary::reconciler
