#pragma once

#include "reconciler/api_response.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace tributary::reconciler {

/// What the x-ratelimit-* headers of the latest answer said. Fields stay empty until an answer
/// carries them (GitHub Enterprise Server with rate limits disabled sends none).
struct rate_limit_state {
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> used;
  std::optional<std::chrono::system_clock::time_point> reset;  // x-ratelimit-reset, epoch seconds
  std::string resource;                                       // "core", "search", ...
};

/// Reads x-ratelimit-limit, -remaining, -used, -reset and -resource; keeps `previous`'s values
/// for headers that are absent or not numbers. Pure.
rate_limit_state read_rate_limit(const header_map& headers, rate_limit_state previous = {});

/// How long to wait before the next request because the primary limit is spent (remaining 0 and
/// the reset still ahead): until the reset plus one second for clock skew. Nothing when a request
/// may go now. Pure.
std::optional<std::chrono::milliseconds> wait_for_primary_reset(
    const rate_limit_state& state, std::chrono::system_clock::time_point now);

/// Which limit an answer reports.
enum class limit_kind {
  none,       // not a rate-limit answer (a 403 for missing permission is none)
  primary,    // 403/429 with x-ratelimit-remaining: 0: wait for x-ratelimit-reset
  secondary,  // 403/429 with retry-after, or naming a secondary limit: wait and retry
};

/// What to do about one answer: retry the same request after `wait`, or go on (kind none).
struct limit_decision {
  limit_kind kind = limit_kind::none;
  std::chrono::milliseconds wait{0};
};

/// GitHub's documented rules ("Best practices for using the REST API", "Rate limits for the REST
/// API"): with a retry-after header, wait that many seconds; with x-ratelimit-remaining 0, wait
/// until x-ratelimit-reset; otherwise (a 429, or a 403 whose message speaks of a rate limit) wait
/// at least one minute, growing exponentially with each retry of the same request
/// (`secondary_backoff`). `retries` counts earlier secondary waits of this request; `jitter` is a
/// number in [0, 1). Pure.
limit_decision decide_on_answer(unsigned status, const header_map& headers, std::string_view body,
                                std::chrono::system_clock::time_point now, int retries,
                                double jitter);

/// `first` × 2^retries, capped at `cap`, plus up to half of that again at random (`jitter` in
/// [0, 1)): exponential backoff with jitter, so that clients refused together do not come back
/// together. Always within [base, 1.5 × base). Pure.
std::chrono::milliseconds jittered_backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap,
                                           int retries, double jitter);

/// The wait after the `retries`-th secondary limit without retry-after: 1 min × 2^retries, capped
/// at 16 min, plus up to half of that again at random (`jitter` in [0, 1)), so that clients
/// limited together do not come back together. Always within [base, 1.5 × base). Pure.
std::chrono::milliseconds secondary_backoff(int retries, double jitter);

/// Whether a run may spend one more request, given the latest state and the requests (answers
/// other than 304) it has spent so far. The caller decides the policy.
using request_budget = std::function<bool(const rate_limit_state& state, std::int64_t spent)>;

/// A budget of `share` (0 to 1] of the remaining limit first seen: until an answer has told the
/// remaining limit, one request is allowed (to learn it); afterwards at most
/// floor(share × remaining-at-first-sight) requests in all. Owns its memory of that first figure;
/// one client (one thread) uses it.
request_budget share_of_remaining(double share);

}  // namespace tributary::reconciler
