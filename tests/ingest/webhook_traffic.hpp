#pragma once

#include "tools/replay/replay_client.hpp"
#include "tools/replay/webhook_request.hpp"

#include <string>
#include <vector>

namespace tributary::testing {

/// Requests built as GitHub sends them, with what each delivery must become in Kafka.
struct webhook_traffic {
  std::vector<replay::webhook_delivery> deliveries;
  std::vector<replay::webhook_request> requests;
  std::vector<bool> form_encoded;
};

/// `count` deliveries cycling through every example of @octokit/webhooks-examples (each with a new
/// delivery id), `form_share` of them form-encoded, signed with `secret`, for `url`.
webhook_traffic example_traffic(const replay::target_url& url, const std::string& secret,
                                std::size_t count = 0 /* 0: each example once */,
                                double form_share = 0.25);

/// The contract's key, derived here independently of core::envelope: repository.full_name, else
/// organization.login, else sender.login, else the delivery id.
std::string expected_key(const std::string& payload, const std::string& delivery_id);

/// One request, sent on a connection of its own.
replay::send_result send_one(const replay::target_url& url, const replay::webhook_request& request,
                             const std::string& ca_file = {});

/// The status of GET /readyz on `url`'s server (0: no answer).
unsigned readiness(const replay::target_url& url);

}  // namespace tributary::testing
