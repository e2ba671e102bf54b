#pragma once

#include "reconciler/api_clock.hpp"
#include "reconciler/api_response.hpp"
#include "reconciler/app_jwt.hpp"
#include "reconciler/github_connection.hpp"
#include "reconciler/github_settings.hpp"
#include "reconciler/installation_token.hpp"
#include "reconciler/rate_limit.hpp"
#include "reconciler/validator_store.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace tributary::reconciler {

/// GitHub answered with an error that waiting does not cure (404 for a missing or invisible
/// target, 401 after a token refresh, 422...). `what()` holds the status and GitHub's message.
struct api_error : std::runtime_error {
  api_error(unsigned status, const std::string& what) : std::runtime_error(what), status(status) {}
  unsigned status = 0;
};

/// The request budget refused another request: what is left waits for the next run.
struct budget_exhausted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A secondary rate limit persisted through every retry the client allows.
struct rate_limited : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The media types the client asks for.
inline constexpr const char* github_json = "application/vnd.github+json";
inline constexpr const char* github_star_json = "application/vnd.github.star+json";  // starred_at

/// One request: `target` is an API path ("/orgs/x/repos?per_page=100") or an absolute link from a
/// Link header on the same host.
struct api_request {
  http::verb method = http::verb::get;
  std::string target;
  std::string accept = github_json;
  std::string body;          // JSON, for POST
  bool conditional = true;   // GET with stored validators: If-None-Match / If-Modified-Since
};

/// A GET of `target` (conditional by default) and a POST with a JSON body.
api_request api_get(std::string target, std::string accept = github_json);
api_request api_post(std::string target, std::string body = "{}");

/// What the client did, for the run's record and the tests.
struct client_counters {
  std::int64_t requests = 0;          // answers received, 304s and token exchanges included
  std::int64_t not_modified = 0;      // 304s: free of rate limit
  std::int64_t spent = 0;             // answers that cost rate limit (not 304, not token exchange)
  std::int64_t primary_waits = 0;
  std::int64_t secondary_waits = 0;
  std::int64_t token_refreshes = 0;   // installation tokens obtained
  std::int64_t transient_retries = 0; // GETs sent again after a 502/503/504 or a transport error
  std::int64_t redirects = 0;         // 301/302/307/308 followed
  std::chrono::milliseconds waited{0};
};

/// Everything the client needs besides its configuration; all optional.
struct client_hooks {
  std::shared_ptr<api_clock> clock;             // default: system_api_clock
  std::shared_ptr<validator_store> validators;  // default: a memory_validator_store
  request_budget budget;                        // default: no limit
  std::function<double()> jitter;               // uniform in [0, 1); default: std::mt19937_64
  int max_secondary_retries = 6;
  int max_primary_waits = 3;
  int max_transient_retries = 4;  // of one GET, after 502/503/504 or a transport error
  int max_redirects = 5;          // of one request
};

/// A GitHub REST API client: one keep-alive connection, GitHub's headers, authentication (token or
/// App installation token, refreshed before expiry and once on a 401), conditional requests, and
/// the waits primary and secondary rate limits ask for. Owns its connection and state; one thread
/// at a time. Never logs or returns a token.
class github_client {
 public:
  github_client(github_config config, client_hooks hooks = {});
  ~github_client();

  /// Sends `request`, waiting and retrying as rate limits say, and returns a 2xx or a 304 (only to
  /// a conditional GET). Throws api_error, budget_exhausted, rate_limited, transport_error.
  api_response send(const api_request& request);

  /// GETs `target` and every page after it by the Link header's rel="next" (per_page=100 is added
  /// when the target names no per_page), calling `on_page` with each answer and its parsed body
  /// (null for a 304, whose page is unchanged since the validators were stored).
  using page_handler = std::function<void(const api_response&, const rapidjson::Document*)>;
  void walk_pages(const std::string& target, const page_handler& on_page,
                  const std::string& accept = github_json);

  /// The same walk, stopped early when `on_page` answers false: a walk newest first that reached
  /// its watermark asks for no further page. `conditional` false asks every page afresh (a walk
  /// that resumes one cut short, whose pages' validators were stored before they were read).
  using page_step = std::function<bool(const api_response&, const rapidjson::Document*)>;
  void walk_pages_while(const std::string& target, const page_step& on_page,
                        const std::string& accept = github_json, bool conditional = true);

  /// The body of `response` parsed with core::parse_bounded_json; throws api_error if it is not JSON.
  static rapidjson::Document parse_json(const api_response& response);

  const rate_limit_state& rate_limit() const { return rate_limit_; }
  const client_counters& counters() const { return counters_; }
  std::size_t connections_opened() const { return connection_.connections_opened(); }

 private:
  std::string authorization();
  void refresh_installation_token();

  github_config config_;
  client_hooks hooks_;
  github_connection connection_;
  std::optional<app_private_key> app_key_;
  std::optional<installation_token> installation_;
  rate_limit_state rate_limit_;
  client_counters counters_;
};

/// The wait before sending a GET again after its `retries`-th transient failure (502, 503 or 504
/// without retry-after, or a transport error): 1 s × 2^retries, capped at 30 s, plus up to half of
/// that again at random (`jitter` in [0, 1)). Always within [base, 1.5 × base). Pure.
std::chrono::milliseconds transient_backoff(int retries, double jitter);

/// `target` with per_page=100 added when it names no per_page. Pure.
std::string with_page_size(const std::string& target);

}  // namespace tributary::reconciler
