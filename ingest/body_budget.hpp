#pragma once

#include <prometheus/gauge.h>

#include <cstddef>
#include <mutex>
#include <optional>

namespace tributary::ingest {

/// The memory that request bodies may hold at once (INGEST_MEMORY_BUDGET_BYTES). A session
/// reserves a body's declared Content-Length before reading a byte of it, and a chunked body's
/// growth as it arrives; what does not fit is answered 503 without being read.
///
/// Large bodies (over `large_body_bytes`) together may hold only `large_share` of the budget, so
/// that a flood of large bodies (anonymous ones included: the signature can only be checked once
/// the whole body is in) always leaves room for the small deliveries that are nearly all of
/// GitHub's traffic. Any thread may call it; a mutex guards two counters.
class body_budget {
 public:
  class reservation;

  /// `held_gauge`, when given, follows the bytes held; it must outlive the budget.
  body_budget(std::size_t total_bytes, std::size_t large_body_bytes, double large_share,
              prometheus::Gauge* held_gauge = nullptr);
  body_budget(const body_budget&) = delete;
  body_budget& operator=(const body_budget&) = delete;

  /// `bytes` held until the reservation is released or destroyed; std::nullopt when they don't fit.
  std::optional<reservation> reserve(std::size_t bytes);

  std::size_t held() const;
  std::size_t total() const { return total_; }
  std::size_t large_body_bytes() const { return large_body_bytes_; }
  /// The most that large bodies may hold together.
  std::size_t large_limit() const { return large_limit_; }

 private:
  bool try_change(std::size_t from, std::size_t to);
  void release(std::size_t bytes);
  bool is_large(std::size_t bytes) const { return bytes > large_body_bytes_; }
  void publish_locked();

  const std::size_t total_;
  const std::size_t large_body_bytes_;
  const std::size_t large_limit_;
  prometheus::Gauge* held_gauge_;
  mutable std::mutex mutex_;
  std::size_t held_ = 0;        // guarded by mutex_
  std::size_t held_large_ = 0;  // guarded by mutex_: the part held by large bodies
};

/// Bytes of one request's body held under a body_budget, released on destruction (so on every
/// way out of a request). Movable, not copyable; one thread at a time (the session's strand).
class body_budget::reservation {
 public:
  reservation(reservation&& other) noexcept;
  reservation& operator=(reservation&& other) noexcept;
  reservation(const reservation&) = delete;
  reservation& operator=(const reservation&) = delete;
  ~reservation() { release(); }

  /// Grows (or shrinks) the reservation to `bytes`; false, unchanged, when the budget can't.
  bool resize(std::size_t bytes);
  std::size_t bytes() const { return bytes_; }
  void release();

 private:
  friend class body_budget;
  reservation(body_budget& budget, std::size_t bytes) : budget_(&budget), bytes_(bytes) {}

  body_budget* budget_;
  std::size_t bytes_;
};

}  // namespace tributary::ingest
