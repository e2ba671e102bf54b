#pragma once

#include "core/settings.hpp"

#include <vector>

namespace tributary::workers {

/// Every setting tributary-worker reads (CONTRACT.md plus its own), for settings::load and --help.
std::vector<core::setting_spec> worker_setting_specs();

}  // namespace tributary::workers
