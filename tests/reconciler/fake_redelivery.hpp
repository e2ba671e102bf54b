#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace tributary::testing {

/// A POST …/hooks/{hook_id}/deliveries/{delivery_id}/attempts the fake accepted (202): what a
/// redelivery handler (fake_github_options::on_redelivery, e.g. fake_hook_sender) is told.
struct redelivery_request {
  std::string org;
  std::int64_t hook_id = 0;
  std::int64_t delivery_id = 0;
};

/// Called on the fake's I/O thread under its lock: it must only take note (queue) and return,
/// never call the fake back. GitHub too answers 202 at once and delivers later.
using redelivery_handler = std::function<void(const redelivery_request&)>;

}  // namespace tributary::testing
