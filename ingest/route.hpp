#pragma once

#include <string_view>

namespace tributary::ingest {

/// Where a request goes, decided from its method and target alone (before the body is read).
enum class route { health, ready, webhook, not_found, method_not_allowed };

/// `target` may carry a query string, which is ignored. /healthz and /readyz take GET or HEAD;
/// `webhook_path` takes POST only.
route route_request(std::string_view method, std::string_view target, std::string_view webhook_path);

}  // namespace tributary::ingest
