#include "tools/replay/webhook_request.hpp"

#include "core/hmac.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "core/form_encoding.hpp"

namespace tributary::replay {
namespace http = boost::beast::http;

std::string sha256_signature(std::string_view secret, std::string_view body) {
  return "sha256=" + core::to_hex(core::hmac_sha256(secret, body));
}

std::string sha1_signature(std::string_view secret, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length) == nullptr)
    throw std::runtime_error("HMAC-SHA1 failed");
  return "sha1=" + core::to_hex(digest, length);
}

std::string new_delivery_id() {
  thread_local boost::uuids::random_generator generate;
  return boost::uuids::to_string(generate());
}

webhook_request make_webhook_request(const webhook_delivery& delivery, std::string_view host,
                                     std::string_view target, std::string_view secret,
                                     bool form_encoded, const hook_identity& hook) {
  webhook_request request{http::verb::post, std::string(target), 11};
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "GitHub-Hookshot/tributary-replay");
  request.set(http::field::accept, "*/*");
  request.set("X-GitHub-Event", delivery.event);
  request.set("X-GitHub-Delivery", delivery.id);
  if (!hook.hook_id.empty()) request.set("X-GitHub-Hook-ID", hook.hook_id);
  if (!hook.target_type.empty())
    request.set("X-GitHub-Hook-Installation-Target-Type", hook.target_type);
  if (!hook.target_id.empty()) request.set("X-GitHub-Hook-Installation-Target-ID", hook.target_id);
  if (form_encoded) {
    request.set(http::field::content_type, "application/x-www-form-urlencoded");
    request.body() = "payload=" + core::percent_encode(delivery.payload);
  } else {
    request.set(http::field::content_type, "application/json");
    request.body() = delivery.payload;
  }
  // Both signatures are over the body exactly as sent.
  request.set("X-Hub-Signature", sha1_signature(secret, request.body()));
  request.set("X-Hub-Signature-256", sha256_signature(secret, request.body()));
  request.keep_alive(true);
  request.prepare_payload();
  return request;
}

}  // namespace tributary::replay
