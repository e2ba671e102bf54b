#include "core/settings.hpp"
#include "tools/replay/example_payloads.hpp"
#include "tools/replay/replay_client.hpp"
#include "tools/replay/replay_options.hpp"
#include "tools/replay/replay_summary.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace {

using namespace tributary::replay;

std::vector<example_payload> payloads_of(const replay_options& options) {
  if (options.examples)
    return load_example_payloads(options.examples_file.empty()
                                     ? default_examples_file(TRIBUTARY_SOURCE_DIR)
                                     : options.examples_file);
  std::vector<example_payload> payloads;
  for (const auto& path : options.files) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error("cannot read " + path);
    payloads.push_back({options.event, {std::istreambuf_iterator<char>(file), {}}});
  }
  return payloads;
}

}  // namespace

int main(int argc, char** argv) {
  replay_options options;
  try {
    options = parse_replay_options({argv + 1, argv + argc}, tributary::core::process_environment());
  } catch (const std::invalid_argument& error) {
    std::cerr << "tributary-replay: " << error.what() << "\n";
    return 2;
  }
  if (options.help) {
    std::cout << replay_help();
    return 0;
  }
  try {
    const auto url = parse_target_url(options.url);
    const auto payloads = payloads_of(options);
    if (payloads.empty()) throw std::runtime_error("no payload to send");
    const auto count = options.count.value_or(payloads.size());
    std::vector<webhook_request> requests;
    requests.reserve(count);
    const auto host = url.host + ((url.port == "443" && url.tls) || (url.port == "80" && !url.tls)
                                      ? ""
                                      : ":" + url.port);
    for (std::size_t i = 0; i < count; ++i) {
      const auto& payload = payloads[i % payloads.size()];
      requests.push_back(make_webhook_request({payload.event, new_delivery_id(), payload.payload},
                                              host, url.target, options.secret,
                                              form_encoded_at(i, options.form_share), options.hook));
    }
    client_options client;
    client.concurrency = options.concurrency;
    client.verify_peer = !options.insecure;
    const auto started = std::chrono::steady_clock::now();
    const auto results = send_requests(url, requests, client);
    const auto summary = summarize(results, std::chrono::steady_clock::now() - started);
    std::size_t shown = 0;
    for (std::size_t i = 0; i < results.size() && shown < 10; ++i) {
      if (results[i].status >= 200 && results[i].status < 300) continue;
      ++shown;
      std::cerr << requests[i]["X-GitHub-Event"] << " " << requests[i]["X-GitHub-Delivery"] << ": "
                << (results[i].status ? std::to_string(results[i].status) + " " + results[i].body
                                      : results[i].error)
                << "\n";
    }
    std::cout << format_summary(summary);
    return summary.all_accepted() ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "tributary-replay: " << error.what() << "\n";
    return 2;
  }
}
