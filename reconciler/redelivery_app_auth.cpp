#include "reconciler/redelivery_app_auth.hpp"

#include "reconciler/app_jwt.hpp"

namespace tributary::reconciler {

github_config app_jwt_config(const github_config& config, std::chrono::system_clock::time_point now) {
  const auto* app = std::get_if<app_credentials>(&config.auth);
  if (app == nullptr)
    throw std::invalid_argument(
        "RECONCILE_HOOKS names the app hook, which only a GitHub App's JWT can reach: set "
        "GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY_FILE and GITHUB_APP_INSTALLATION_ID instead of GITHUB_TOKEN");
  const auto key = app_private_key::from_file(app->private_key_file);
  github_config as_app = config;
  as_app.auth = token_credentials{make_app_jwt(app->app_id, key, now)};
  return as_app;
}

}  // namespace tributary::reconciler
