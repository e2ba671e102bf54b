#include "tools/replay/replay_options.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace tributary::replay {
namespace {

std::size_t whole_number(const std::string& flag, const std::string& text) {
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value == 0)
    throw std::invalid_argument(flag + " needs a positive whole number, got '" + text + "'");
  return value;
}

}  // namespace

replay_options parse_replay_options(const std::vector<std::string>& arguments,
                                    const std::map<std::string, std::string>& environment) {
  replay_options options;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const auto& argument = arguments[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= arguments.size()) throw std::invalid_argument(argument + " needs a value");
      return arguments[++i];
    };
    if (argument == "--help" || argument == "-h") options.help = true;
    else if (argument == "--url") options.url = value();
    else if (argument == "--secret") options.secret = value();
    else if (argument == "--examples") options.examples = true;
    else if (argument == "--examples-file") options.examples_file = value(), options.examples = true;
    else if (argument == "--event") options.event = value();
    else if (argument == "--concurrency") options.concurrency = static_cast<unsigned>(whole_number(argument, value()));
    else if (argument == "--count") options.count = whole_number(argument, value());
    else if (argument == "--form-share") {
      const auto& text = value();
      std::size_t used = 0;
      try {
        options.form_share = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || !(options.form_share >= 0 && options.form_share <= 1))
        throw std::invalid_argument("--form-share needs a number from 0 to 1, got '" + text + "'");
    }
    else if (argument == "--insecure") options.insecure = true;
    else if (argument == "--hook-id") options.hook.hook_id = value();
    else if (argument == "--target-type") options.hook.target_type = value();
    else if (argument == "--target-id") options.hook.target_id = value();
    else if (argument.starts_with("-")) throw std::invalid_argument("unknown flag " + argument + " (see --help)");
    else options.files.push_back(argument);
  }
  if (options.help) return options;
  if (options.url.empty()) throw std::invalid_argument("--url is required");
  if (options.secret.empty()) {
    if (auto it = environment.find("GITHUB_WEBHOOK_SECRET"); it != environment.end())
      options.secret = it->second.substr(0, it->second.find(','));
  }
  if (options.secret.empty())
    throw std::invalid_argument("--secret (or GITHUB_WEBHOOK_SECRET) is required");
  if (options.examples == !options.files.empty())
    throw std::invalid_argument("give either --examples or payload files");
  if (!options.files.empty() && options.event.empty())
    throw std::invalid_argument("--event is required with payload files");
  return options;
}

std::string replay_help() {
  return R"(tributary-replay: sends webhook payloads to a URL exactly as GitHub does, and summarises the answers.

Usage: tributary-replay --url URL [--secret S] (--examples | --event NAME FILE...) [options]

  --url URL             http(s)://host[:port]/path of the webhook endpoint
  --secret S            the webhook secret (default: the first of GITHUB_WEBHOOK_SECRET)
  --examples            send every example of @octokit/webhooks-examples (api.github.com)
  --examples-file PATH  another index.json of that shape (implies --examples)
  --event NAME          X-GitHub-Event of the payload FILEs (sent byte for byte)
  --count N             requests in all (payloads repeat, each with a new delivery id);
                        default: each payload once
  --concurrency N       keep-alive connections used at once (default 4)
  --form-share F        share of requests sent as application/x-www-form-urlencoded, 0..1
                        (default 0)
  --insecure            accept any TLS certificate (self-signed development certificates)
  --hook-id ID, --target-type TYPE, --target-id ID
                        X-GitHub-Hook-ID and X-GitHub-Hook-Installation-Target-Type/-ID
                        (defaults 123456789, repository, 35129377)

Prints the count of answers by status and latency percentiles; exits 0 when every request was
answered 2xx, 1 otherwise, 2 on a bad command line.
)";
}

bool form_encoded_at(std::size_t index, double share) {
  // Request i is form-encoded when it crosses the next multiple of 1/share.
  return std::floor(static_cast<double>(index + 1) * share) > std::floor(static_cast<double>(index) * share);
}

}  // namespace tributary::replay
