#pragma once

#include "core/log.hpp"
#include "workers/event.hpp"
#include "workers/incoming_message.hpp"
#include "workers/pg_session.hpp"
#include "workers/raw_retention.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tributary::workers {

/// What applying one batch did, for metrics and logs. Counts only what committed.
struct batch_outcome {
  std::map<std::string, std::size_t> folded;  // by event type
  std::size_t skipped = 0;         // event types the worker does not fold, kept raw
  std::size_t duplicates = 0;      // delivery ids already in the ledger: nothing folded
  std::map<std::string, std::size_t> dead_letters;  // by cause: envelope, payload, database
  std::size_t raw_expired = 0;     // raw rows older than the retention, not stored
  std::map<std::string, std::size_t> retries;  // by kind: transient, connection
  std::size_t splits = 0;          // times a failing run of messages was split
  std::size_t transactions = 0;    // transactions committed

  std::size_t folded_total() const;
  std::size_t dead_letters_total() const;
};

/// A stop was requested while the database kept failing: the batch is not applied and its
/// offsets must not be committed.
struct apply_interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Applies batches of messages to PostgreSQL exactly once (ARCHITECTURE.md invariants 4 to 6).
/// One transaction per batch holds the ledger rows (github.deliveries, ON CONFLICT DO NOTHING:
/// a delivery id already there folds nothing), every fold, the raw rows (COPY into
/// github.webhook_events) and the dead letters of messages that can't be decoded. When the
/// transaction fails because of some event's data, the batch is split (at the event whose fold
/// failed when that is known, else in halves) until the culprit stands alone; it then goes to
/// github.dead_letters with the reason, and the rest commit, in order. Transient failures are
/// retried with exponential backoff (spent in `options::wait`) and a broken connection is
/// reopened, for as long as it takes, unless a stop is requested. Anything else (a defect of this program) propagates.
/// Uses the session's connection; one thread.
class batch_applier {
 public:
  struct options {
    std::chrono::milliseconds initial_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
    /// Told of each retry as it happens (kind: transient, connection), so that an outage shows
    /// in the metrics while it lasts rather than once the batch has committed.
    std::function<void(const std::string& kind)> on_retry;
    /// Spends the pause before the next attempt (returning early once a stop is requested).
    /// Unset: sleeps. The consumer loop pauses its partitions and keeps polling Kafka meanwhile,
    /// so that an outage of any length keeps its group membership.
    std::function<void(std::chrono::milliseconds)> wait;
  };

  batch_applier(pg_session& session, raw_retention& retention, const std::atomic<bool>& stopping,
                core::logger log, options settings);

  /// Applies `messages` in order. Returns once everything is committed; throws
  /// apply_interrupted (nothing of this batch need have committed) or a fatal error.
  batch_outcome apply(const std::vector<incoming_message>& messages);

  /// Prepares the ledger and dead-letter statements (a pg_session's on_connect calls this).
  static void prepare(pqxx::connection& connection);

 private:
  struct payload_failure {
    std::string reason;
    std::optional<std::size_t> culprit;  // index of the message whose fold failed, when known
    bool from_fold_error;
  };

  void apply_run(const std::vector<std::size_t>& run, batch_outcome& outcome);
  void apply_once(const std::vector<std::size_t>& run, batch_outcome& attempt);
  void dead_letter(std::size_t index, const std::string& reason, const std::string& cause,
                   batch_outcome& outcome);
  void write_dead_letter(pqxx::work& work, std::size_t index, const std::string& reason,
                         bool& inserted);
  template <typename Attempt>
  void with_retries(batch_outcome& outcome, Attempt&& attempt);
  void pause(std::chrono::milliseconds duration) const;

  pg_session& session_;
  raw_retention& retention_;
  const std::atomic<bool>& stopping_;
  core::logger log_;
  options options_;

  // The batch being applied.
  const std::vector<incoming_message>* messages_ = nullptr;
  std::vector<decoded_message> decoded_;
  std::chrono::system_clock::time_point now_;
  std::optional<std::size_t> folding_;  // the message being folded when an attempt failed
};

}  // namespace tributary::workers
