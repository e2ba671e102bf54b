#pragma once

#include "reconciler/github_settings.hpp"

#include <chrono>
#include <stdexcept>

namespace tributary::reconciler {

/// The app hook's endpoints (/app/hook/deliveries and its attempts) refuse installation tokens:
/// GitHub says "You must use a JWT to access this endpoint". This is the configuration of a
/// client that authenticates as the App itself: `config` with its App credentials replaced by a
/// bearer token that is a fresh App JWT (make_app_jwt: valid 9 minutes from `now`). A client made
/// from it must be used for one sweep of the app hook and dropped; past 9 minutes (a long
/// rate-limit wait) GitHub answers 401 and the sweep stops with api_error, to resume next run.
/// Throws std::invalid_argument when `config` holds a token rather than App credentials (a
/// token cannot reach the app hook), app_key_error when the key file is unusable.
github_config app_jwt_config(const github_config& config, std::chrono::system_clock::time_point now);

}  // namespace tributary::reconciler
