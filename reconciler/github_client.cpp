#include "reconciler/github_client.hpp"

#include "core/bounded_json.hpp"
#include "core/log.hpp"
#include "reconciler/github_time.hpp"
#include "reconciler/link_header.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

namespace tributary::reconciler {
namespace {

constexpr const char* api_version = "2022-11-28";
constexpr const char* user_agent = "tributary-reconciler";

const core::logger& log() {
  static const core::logger logger("reconciler");
  return logger;
}

header_map lower_case_headers(const http::response<http::string_body>& response) {
  header_map headers;
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name)
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    headers.insert_or_assign(std::move(name), std::string(field.value()));
  }
  return headers;
}

// GitHub's error bodies are {"message": "...", "documentation_url": "..."}.
std::string github_message(std::string_view body) {
  rapidjson::Document document;
  if (core::parse_bounded_json(document, body).ok() && document.IsObject()) {
    const auto message = document.FindMember("message");
    if (message != document.MemberEnd() && message->value.IsString())
      return std::string(message->value.GetString(), message->value.GetStringLength()).substr(0, 300);
  }
  return {};
}

std::string describe(const http::request<http::string_body>& request, unsigned status, std::string_view body) {
  auto text = std::string(request.method_string()) + " " + std::string(request.target()) + " answered " +
              std::to_string(status);
  if (const auto message = github_message(body); !message.empty()) text += ": " + message;
  return text;
}

bool is_transient(unsigned status) { return status == 502 || status == 503 || status == 504; }

bool is_redirect(unsigned status) { return status == 301 || status == 302 || status == 307 || status == 308; }

std::string path_of(std::string_view target) { return std::string(target.substr(0, target.find('?'))); }

std::optional<std::int64_t> retry_after_seconds(const header_map& headers) {
  const auto text = find_header(headers, "retry-after");
  if (!text || text->empty() || text->size() > 6) return std::nullopt;
  std::int64_t seconds = 0;
  for (const char c : *text) {
    if (c < '0' || c > '9') return std::nullopt;  // an HTTP date: use the backoff instead
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

std::function<double()> default_jitter() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace

api_request api_get(std::string target, std::string accept) {
  api_request request;
  request.target = std::move(target);
  request.accept = std::move(accept);
  return request;
}

api_request api_post(std::string target, std::string body) {
  api_request request;
  request.method = http::verb::post;
  request.target = std::move(target);
  request.body = std::move(body);
  request.conditional = false;
  return request;
}

std::chrono::milliseconds transient_backoff(int retries, double jitter) {
  using namespace std::chrono_literals;
  return jittered_backoff(1s, 30s, retries, jitter);
}

std::string with_page_size(const std::string& target) {
  const auto query = target.find('?');
  if (query != std::string::npos) {
    const auto parameters = "&" + target.substr(query + 1);
    if (parameters.find("&per_page=") != std::string::npos) return target;
    return target + "&per_page=100";
  }
  return target + "?per_page=100";
}

github_client::github_client(github_config config, client_hooks hooks)
    : config_(std::move(config)),
      hooks_(std::move(hooks)),
      connection_(config_.endpoint, connection_options{config_.ca_file, config_.request_timeout}) {
  if (!hooks_.clock) hooks_.clock = std::make_shared<system_api_clock>();
  if (!hooks_.validators) hooks_.validators = std::make_shared<memory_validator_store>();
  if (!hooks_.jitter) hooks_.jitter = default_jitter();
  if (const auto* app = std::get_if<app_credentials>(&config_.auth))
    app_key_ = app_private_key::from_file(app->private_key_file);
}

github_client::~github_client() = default;

rapidjson::Document github_client::parse_json(const api_response& response) {
  rapidjson::Document document;
  if (const auto check = core::parse_bounded_json(document, response.body); !check.ok())
    throw api_error(response.status, "the GitHub API answered with a body that is not JSON: " + check.message);
  return document;
}

void github_client::refresh_installation_token() {
  const auto& app = std::get<app_credentials>(config_.auth);
  http::request<http::string_body> request(
      http::verb::post,
      request_target(config_.endpoint, "/app/installations/" + app.installation_id + "/access_tokens"), 11);
  request.set(http::field::accept, github_json);
  request.set("X-GitHub-Api-Version", api_version);
  request.set(http::field::user_agent, user_agent);
  request.set(http::field::authorization, "Bearer " + make_app_jwt(app.app_id, *app_key_, hooks_.clock->now()));
  const auto answer = connection_.exchange(request);
  ++counters_.requests;
  if (answer.result_int() != 201 && answer.result_int() != 200)
    throw api_error(answer.result_int(), describe(request, answer.result_int(), answer.body()));
  try {
    installation_ = parse_installation_token(answer.body());
  } catch (const installation_token_error& error) {
    throw api_error(answer.result_int(), error.what());
  }
  ++counters_.token_refreshes;
  log().info("installation token obtained",
             {{"installation_id", app.installation_id},
              {"expires_at", format_github_time(installation_->expires_at)}});
}

std::string github_client::authorization() {
  if (const auto* token = std::get_if<token_credentials>(&config_.auth)) return "Bearer " + token->token;
  if (!installation_ || should_refresh(*installation_, hooks_.clock->now())) refresh_installation_token();
  return "Bearer " + installation_->token;
}

api_response github_client::send(const api_request& call) {
  auto target = request_target(config_.endpoint, call.target);
  auto key = call.accept + " " + target;
  // GitHub advises retrying transient errors; only a GET is certainly safe to send twice (a POST
  // …/attempts that reached GitHub before the connection broke must not be sent again).
  const bool idempotent = call.method == http::verb::get;
  const bool conditional = idempotent && call.conditional;
  int secondary_retries = 0;
  int primary_waits = 0;
  int transient_retries = 0;
  int redirects = 0;
  bool refreshed_after_401 = false;
  // Waits before sending the same GET again after a transient failure; false when retries are spent.
  const auto wait_transient = [&](const std::string& what, std::optional<std::int64_t> retry_after) {
    if (!idempotent || transient_retries >= hooks_.max_transient_retries) return false;
    const auto wait = retry_after ? std::chrono::milliseconds(std::min<std::int64_t>(*retry_after, 60) * 1000)
                                  : transient_backoff(transient_retries, hooks_.jitter());
    ++transient_retries;
    ++counters_.transient_retries;
    counters_.waited += wait;
    log().warning("transient failure: sending the same request again",
                  {{"target", path_of(target)}, {"failure", what}, {"wait_ms", wait.count()},
                   {"retry", transient_retries}});
    hooks_.clock->sleep_for(wait);
    return true;
  };
  for (;;) {
    if (const auto wait = wait_for_primary_reset(rate_limit_, hooks_.clock->now())) {
      if (primary_waits++ >= hooks_.max_primary_waits)
        throw rate_limited("the primary rate limit did not reset after " +
                           std::to_string(hooks_.max_primary_waits) + " waits");
      ++counters_.primary_waits;
      counters_.waited += *wait;
      log().info("primary rate limit spent: waiting for its reset before asking",
                 {{"resource", rate_limit_.resource}, {"wait_ms", wait->count()}});
      hooks_.clock->sleep_for(*wait);
    }
    if (hooks_.budget && !hooks_.budget(rate_limit_, counters_.spent))
      throw budget_exhausted("the run's share of the rate limit is spent (" +
                             std::to_string(counters_.spent) + " requests)");

    http::request<http::string_body> request(call.method, target, 11);
    request.set(http::field::accept, call.accept);
    request.set("X-GitHub-Api-Version", api_version);
    request.set(http::field::user_agent, user_agent);
    request.set(http::field::authorization, authorization());
    const auto stored = conditional ? hooks_.validators->find(key) : std::nullopt;
    if (stored && !stored->etag.empty()) request.set(http::field::if_none_match, stored->etag);
    else if (stored && !stored->last_modified.empty())
      request.set(http::field::if_modified_since, stored->last_modified);
    if (!call.body.empty()) {
      request.set(http::field::content_type, "application/json");
      request.body() = call.body;
    }

    http::response<http::string_body> answer;
    try {
      answer = connection_.exchange(request);
    } catch (const transport_error& error) {
      if (error.tls_refused || !wait_transient(error.what(), std::nullopt)) throw;
      continue;
    }
    ++counters_.requests;
    api_response response;
    response.status = answer.result_int();
    response.headers = lower_case_headers(answer);
    rate_limit_ = read_rate_limit(response.headers, rate_limit_);
    if (const auto link = find_header(response.headers, "link")) response.next_link = next_page_link(*link);

    if (response.status == 304 && stored) {
      ++counters_.not_modified;
      response.not_modified = true;
      if (!response.next_link) response.next_link = stored->next_link;
      return response;
    }
    ++counters_.spent;
    response.body = std::move(answer.body());

    if (response.status == 401 && app_key_ && !refreshed_after_401) {
      // The token may have been revoked or expired early: one new token, one more try.
      refreshed_after_401 = true;
      installation_.reset();
      log().warning("installation token refused (401): getting a new one", {{"target", path_of(target)}});
      continue;
    }
    const auto decision = decide_on_answer(response.status, response.headers, response.body,
                                           hooks_.clock->now(), secondary_retries, hooks_.jitter());
    if (decision.kind == limit_kind::secondary) {
      if (secondary_retries++ >= hooks_.max_secondary_retries)
        throw rate_limited(describe(request, response.status, response.body) + " (secondary rate limit, " +
                           std::to_string(hooks_.max_secondary_retries) + " retries)");
      ++counters_.secondary_waits;
      counters_.waited += decision.wait;
      log().warning("secondary rate limit: waiting before the same request",
                    {{"target", std::string_view(target).substr(0, target.find('?'))},
                     {"status", response.status},
                     {"retry_after", find_header(response.headers, "retry-after").has_value()},
                     {"wait_ms", decision.wait.count()},
                     {"retry", secondary_retries}});
      hooks_.clock->sleep_for(decision.wait);
      continue;
    }
    if (decision.kind == limit_kind::primary) {
      if (primary_waits++ >= hooks_.max_primary_waits)
        throw rate_limited(describe(request, response.status, response.body) +
                           " (primary rate limit, still spent after waiting for its reset)");
      ++counters_.primary_waits;
      counters_.waited += decision.wait;
      log().warning("primary rate limit spent: waiting for its reset",
                    {{"target", std::string_view(target).substr(0, target.find('?'))},
                     {"resource", rate_limit_.resource},
                     {"wait_ms", decision.wait.count()}});
      hooks_.clock->sleep_for(decision.wait);
      continue;
    }
    if (is_transient(response.status) &&
        wait_transient("answered " + std::to_string(response.status), retry_after_seconds(response.headers)))
      continue;
    // A renamed or transferred repository answers 301 (or 302, 307) with its new URL: follow it,
    // on the same host only (a token is never sent elsewhere). 307 and 308 repeat any method;
    // 301 and 302 are followed for GETs only.
    if (is_redirect(response.status) && (idempotent || response.status == 307 || response.status == 308)) {
      const auto location = find_header(response.headers, "location");
      if (!location) throw api_error(response.status, describe(request, response.status, response.body) + " without a Location");
      if (redirects++ >= hooks_.max_redirects)
        throw api_error(response.status, describe(request, response.status, response.body) + " (too many redirects)");
      std::string next;
      try {
        next = request_target(config_.endpoint, *location);
      } catch (const std::exception& refused) {
        throw api_error(response.status, describe(request, response.status, response.body) +
                                             ": redirect not followed: " + refused.what());
      }
      ++counters_.redirects;
      log().info("following a redirect", {{"from", path_of(target)}, {"to", path_of(next)}, {"status", response.status}});
      target = std::move(next);
      key = call.accept + " " + target;
      continue;
    }
    if (response.status < 200 || response.status > 299)
      throw api_error(response.status, describe(request, response.status, response.body));

    if (call.method == http::verb::get) {
      validators fresh;
      if (const auto etag = find_header(response.headers, "etag")) fresh.etag = std::string(*etag);
      if (const auto modified = find_header(response.headers, "last-modified"))
        fresh.last_modified = std::string(*modified);
      fresh.next_link = response.next_link;
      if (!fresh.etag.empty() || !fresh.last_modified.empty()) hooks_.validators->remember(key, fresh);
    }
    return response;
  }
}

void github_client::walk_pages(const std::string& target, const page_handler& on_page,
                               const std::string& accept) {
  walk_pages_while(
      target,
      [&on_page](const api_response& response, const rapidjson::Document* body) {
        on_page(response, body);
        return true;
      },
      accept);
}

void github_client::walk_pages_while(const std::string& target, const page_step& on_page,
                                     const std::string& accept, bool conditional) {
  std::optional<std::string> next = with_page_size(target);
  std::set<std::string> seen;  // a Link that loops back would otherwise walk for ever
  while (next) {
    if (!seen.insert(*next).second) throw api_error(0, "the Link header leads back to a page already read");
    api_request request;
    request.target = *next;
    request.accept = accept;
    request.conditional = conditional;
    const auto response = send(request);
    bool more = true;
    if (response.not_modified) {
      more = on_page(response, nullptr);
    } else {
      const auto document = parse_json(response);
      more = on_page(response, &document);
    }
    next = more ? response.next_link : std::nullopt;
  }
}

}  // namespace tributary::reconciler
