#include "ingest/route.hpp"

namespace tributary::ingest {

route route_request(std::string_view method, std::string_view target, std::string_view webhook_path) {
  const auto path = target.substr(0, target.find('?'));
  const bool read_only = method == "GET" || method == "HEAD";
  if (path == "/healthz") return read_only ? route::health : route::method_not_allowed;
  if (path == "/readyz") return read_only ? route::ready : route::method_not_allowed;
  if (path == webhook_path) return method == "POST" ? route::webhook : route::method_not_allowed;
  return route::not_found;
}

}  // namespace tributary::ingest
