#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

namespace tributary::replay {

/// One delivery to send: the event name, its delivery id and the JSON payload.
struct webhook_delivery {
  std::string event;
  std::string id;
  std::string payload;
};

/// The hook GitHub says it delivers for (X-GitHub-Hook-ID and the installation target).
struct hook_identity {
  std::string hook_id = "123456789";
  std::string target_type = "repository";
  std::string target_id = "35129377";
};

using webhook_request = boost::beast::http::request<boost::beast::http::string_body>;

/// The request GitHub would send: POST with its headers (X-GitHub-Event, X-GitHub-Delivery,
/// X-GitHub-Hook-*, X-Hub-Signature (SHA-1) and X-Hub-Signature-256 over the body as sent,
/// User-Agent GitHub-Hookshot/...). A form-encoded request carries the JSON in its `payload` field.
webhook_request make_webhook_request(const webhook_delivery& delivery, std::string_view host,
                                     std::string_view target, std::string_view secret,
                                     bool form_encoded, const hook_identity& hook = {});

/// A random (version 4) UUID, as GitHub's delivery ids are.
std::string new_delivery_id();


/// "sha256=<hex>" and "sha1=<hex>" of `body` under `secret`.
std::string sha256_signature(std::string_view secret, std::string_view body);
std::string sha1_signature(std::string_view secret, std::string_view body);

}  // namespace tributary::replay
