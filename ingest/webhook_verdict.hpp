#pragma once

#include "ingest/delivery.hpp"
#include "ingest/http_answer.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tributary::ingest {

/// A webhook request as read from the wire: GitHub's headers, X-Hub-Signature-256 (empty when
/// absent) and the raw body. The views point into the HTTP request, which outlives the verdict.
struct inbound_webhook {
  webhook_headers headers;
  std::string_view signature;
  std::string body;
};

/// What a webhook request becomes: a delivery to publish, or the answer to give at once
/// (outcome::missing_signature, bad_signature or invalid).
using webhook_verdict = std::variant<delivery, request_outcome>;

/// Verifies the signature over the raw body against every secret, then parse_delivery. The body
/// is moved, never copied (a form's decoded payload is the one copy). Pure; any thread.
webhook_verdict judge_webhook(inbound_webhook request, const std::vector<std::string>& secrets);

}  // namespace tributary::ingest
