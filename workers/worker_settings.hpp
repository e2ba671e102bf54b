#pragma once

#include "core/settings.hpp"

#include <vector>

namespace tributary::workers {

/// Every setting tributary-worker reads (CONTRACT.md plus its own), for settings::load and --help.
std::vector<core::setting_spec> worker_setting_specs();

/// The settings of `tributary-worker --refold` (no Kafka: it reads the raw store).
std::vector<core::setting_spec> refold_setting_specs();

/// The flag that turns tributary-worker into a one-off refold (workers/refold.hpp).
core::flag_spec refold_flag();

}  // namespace tributary::workers
