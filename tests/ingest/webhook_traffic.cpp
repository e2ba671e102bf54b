#include "tests/ingest/webhook_traffic.hpp"

#include "tests/harness/webhook_examples.hpp"
#include "tools/replay/replay_options.hpp"

#include <rapidjson/document.h>

#include <boost/beast/http.hpp>

namespace tributary::testing {

webhook_traffic example_traffic(const replay::target_url& url, const std::string& secret,
                                std::size_t count, double form_share) {
  const auto examples = load_webhook_examples();
  if (count == 0) count = examples.size();
  webhook_traffic traffic;
  const auto host = url.host + ":" + url.port;
  for (std::size_t i = 0; i < count; ++i) {
    const auto& example = examples[i % examples.size()];
    const bool form = replay::form_encoded_at(i, form_share);
    traffic.deliveries.push_back({example.event, replay::new_delivery_id(), example.payload});
    traffic.requests.push_back(
        replay::make_webhook_request(traffic.deliveries.back(), host, url.target, secret, form));
    traffic.form_encoded.push_back(form);
  }
  return traffic;
}

std::string expected_key(const std::string& payload, const std::string& delivery_id) {
  rapidjson::Document document;
  document.Parse(payload.c_str(), payload.size());
  for (const auto& [outer, inner] : {std::pair{"repository", "full_name"},
                                     std::pair{"organization", "login"}, std::pair{"sender", "login"}}) {
    if (!document.IsObject() || !document.HasMember(outer) || !document[outer].IsObject()) continue;
    const auto& object = document[outer];
    if (object.HasMember(inner) && object[inner].IsString() && object[inner].GetStringLength() > 0)
      return object[inner].GetString();
  }
  return delivery_id;
}

replay::send_result send_one(const replay::target_url& url, const replay::webhook_request& request,
                             const std::string& ca_file) {
  replay::client_options options;
  options.concurrency = 1;
  options.ca_file = ca_file;
  return replay::send_requests(url, {request}, options).at(0);
}

unsigned readiness(const replay::target_url& url) {
  namespace http = boost::beast::http;
  auto ready = url;
  ready.target = "/readyz";
  replay::webhook_request get{http::verb::get, "/readyz", 11};
  get.set(http::field::host, url.host);
  return send_one(ready, get).status;
}

}  // namespace tributary::testing
