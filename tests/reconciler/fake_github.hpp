#pragma once

#include "tests/reconciler/fake_github_content.hpp"
#include "tests/reconciler/fake_redelivery.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace tributary::testing {

/// How the fake is set up; everything has a default but the content.
struct fake_github_options {
  std::string certificate_file;  // with key_file: HTTPS, else plain HTTP
  std::string key_file;
  std::string base_path;         // "/api/v3" to play GitHub Enterprise Server
  std::int64_t rate_limit = 5000;
  std::chrono::seconds rate_window{3600};
  std::set<std::string> tokens{"test-token"};  // bearer tokens accepted as they are
  // GitHub App: JWTs with iss == app_id signed by the key whose public half is app_public_key_pem
  // are exchanged at /app/installations/{installation_id}/access_tokens.
  std::string app_id;
  std::string app_public_key_pem;
  std::string installation_id;
  std::chrono::seconds installation_token_lifetime{3600};
  // Validators: an ETag (GitHub's usual), or only Last-Modified (as some endpoints give).
  bool last_modified_only = false;
  // The fake's time (rate-limit windows, token expiry); default the system clock. Tests share
  // one shifted clock with the client so that waits take no real time.
  std::function<std::chrono::system_clock::time_point()> now;
  // Told of each redelivery the fake accepted, to re-send it (fake_hook_sender); default none.
  redelivery_handler on_redelivery;
};

/// One request the fake was asked, with the headers that matter and what it answered.
struct recorded_request {
  std::string method;
  std::string target;  // as sent, base path included
  std::string accept;
  std::string authorization;
  std::string if_none_match;
  std::string if_modified_since;
  std::string api_version;
  std::string user_agent;
  unsigned status = 0;
};

/// An answer to give instead of the real one, once for each of the next `count` requests: a
/// secondary rate limit (403 or 429, with or without retry-after) or a server error (502, 503,
/// 504, with or without retry-after).
struct injected_answer {
  unsigned status = 403;
  std::optional<int> retry_after;
  int count = 1;
};

/// A small real GitHub REST server on 127.0.0.1 (a free port), in this process, recording every
/// request. It behaves as GitHub documents: Link pagination with per_page (cursor pagination for
/// hook deliveries), an ETag on every GET and a 304 for a matching If-None-Match that costs no
/// rate limit, x-ratelimit-* headers on every answer, 403 with x-ratelimit-remaining 0 once the
/// primary limit is spent, injectable secondary limits, the App token exchange with expiring
/// installation tokens (401 once expired), and bodies built from the examples of GitHub's OpenAPI
/// description. One I/O thread of its own; every public member may be called from any thread.
class fake_github {
 public:
  explicit fake_github(fake_github_options options = {});
  ~fake_github();
  fake_github(const fake_github&) = delete;
  fake_github& operator=(const fake_github&) = delete;

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT" + base path (or https://localhost:PORT with TLS): GITHUB_API_URL.
  std::string url() const;

  /// Edits the content under the fake's lock.
  void edit(const std::function<void(fake_github_content&)>& change);

  void inject(injected_answer answer);
  /// Answers the next request with a redirect (301, 302, 307) to `location`, an absolute URL.
  void inject_redirect(unsigned status, std::string location);
  /// Closes the connection of each of the next `count` requests once read, answering nothing (a
  /// transport error for the client); recorded with status 0.
  void inject_dropped_connection(int count);
  /// Spends the primary limit now: every request is refused until `reset_in` has passed.
  void exhaust_primary(std::chrono::seconds reset_in);
  /// Closes each connection after its answer (a server that does not keep connections alive).
  void close_after_each_answer(bool close);
  /// Closes each connection after its answer while the answer says keep-alive (an idle timeout
  /// that struck between two requests): the client finds out on its next request.
  void drop_connections_silently(bool drop);
  /// Refuses every installation token issued so far (as DELETE /installation/token would).
  void revoke_installation_tokens();

  std::vector<recorded_request> requests() const;
  void clear_requests();
  std::int64_t remaining() const;
  std::vector<std::string> redelivery_attempts() const;  // ".../deliveries/ID/attempts" paths
  std::size_t connections_accepted() const;
  std::size_t installation_tokens_issued() const;

  struct state;  // what the I/O thread and the test share, under its mutex

 private:
  std::shared_ptr<state> state_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace tributary::testing
