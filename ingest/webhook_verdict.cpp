#include "ingest/webhook_verdict.hpp"

#include "ingest/signature.hpp"

namespace tributary::ingest {

webhook_verdict judge_webhook(inbound_webhook request, const std::vector<std::string>& secrets) {
  if (request.signature.empty()) return outcome::missing_signature{};
  if (!verify_signature(secrets, request.body, request.signature)) return outcome::bad_signature{};
  auto parsed = parse_delivery(request.headers, std::move(request.body));
  if (const auto* reason = std::get_if<rejection>(&parsed)) return outcome::invalid{*reason};
  return std::get<delivery>(std::move(parsed));
}

}  // namespace tributary::ingest
