#pragma once

#include "reconciler/github_client.hpp"
#include "reconciler/redelivery_hooks.hpp"

#include <pqxx/connection>

#include <cstdint>
#include <string>

namespace tributary::reconciler {

/// How a sweep is run; the defaults are what the reconciler uses.
struct redelivery_options {
  int per_page = 100;  // GitHub's maximum; tests use less to page through few deliveries
};

/// Why a sweep ended.
enum class sweep_end {
  complete,           // listed down to the last sweep's point and redelivered every candidate
  budget_exhausted,   // the client's request budget refused a request: the rest waits for next run
  rate_limited,       // a rate limit persisted through the client's retries
};

/// What one sweep of one hook did. Counts of delivery GUIDs, except `listed` (attempts listed)
/// and `requests` (answers the client received during the sweep).
struct redelivery_outcome {
  std::int64_t listed = 0;               // attempts read from the deliveries listing
  std::int64_t failed = 0;               // GUIDs none of whose listed attempts answered 2xx
  std::int64_t already_folded = 0;       // of those, already in github.deliveries (the worker's ledger)
  std::int64_t already_redelivered = 0;  // of those, already in github.redelivered
  std::int64_t redelivered = 0;          // POST …/attempts sent and recorded
  std::int64_t refused = 0;              // POSTs GitHub refused (404/422: e.g. past its 3-day window)
  std::int64_t requests = 0;
  std::int64_t pages = 0;
  sweep_end end = sweep_end::complete;
};

/// One sweep of `h`'s failed deliveries (the issue's "redeliver once every GUID that has no
/// successful attempt and is not in github.deliveries"):
///  1. lists the hook's deliveries newest first (`deliveries_path`, cursor pagination by the Link
///     header, per_page), stopping after the page that reaches the newest delivery id of the last
///     complete sweep (github.redelivery_sweeps; the first sweep walks all GitHub keeps: 3 days);
///  2. groups the attempts by GUID: a GUID with any 2xx attempt was delivered;
///  3. for every other GUID that is neither in github.deliveries nor in github.redelivered:
///     records it in github.redelivered (committed first), then POSTs …/deliveries/{id}/attempts
///     for its newest attempt and records GitHub's answer;
///  4. when all that finished, moves the hook's sweep point to the newest id listed.
/// A budget refusal or a persisting rate limit ends the sweep cleanly (`end` says which): the
/// sweep point stays, the GUIDs already POSTed stay recorded, so the next sweep lists again and
/// POSTs only what is left. A GUID is POSTed at most once, ever (a crash between the record and
/// the POST loses that one redelivery rather than risking two). `client` must authenticate as
/// `h` needs (app hook: a client made from app_jwt_config). Throws api_error for an answer other
/// than a limit to the listing (404: hook not found or not visible), transport_error, and pqxx
/// errors; nothing of the sweep point moves then.
redelivery_outcome redeliver_failed(github_client& client, pqxx::connection& connection, const hook& h,
                                    const redelivery_options& options = {});

/// "complete", "budget_exhausted", "rate_limited".
const char* to_string(sweep_end end);

}  // namespace tributary::reconciler
