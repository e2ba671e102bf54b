#include "ingest/body_budget.hpp"

#include <utility>

namespace tributary::ingest {

body_budget::body_budget(std::size_t total_bytes, std::size_t large_body_bytes, double large_share,
                         prometheus::Gauge* held_gauge)
    : total_(total_bytes),
      large_body_bytes_(large_body_bytes),
      large_limit_(static_cast<std::size_t>(static_cast<double>(total_bytes) * large_share)),
      held_gauge_(held_gauge) {
  publish_locked();
}

std::optional<body_budget::reservation> body_budget::reserve(std::size_t bytes) {
  if (!try_change(0, bytes)) return std::nullopt;
  return reservation(*this, bytes);
}

std::size_t body_budget::held() const {
  std::lock_guard lock(mutex_);
  return held_;
}

bool body_budget::try_change(std::size_t from, std::size_t to) {
  std::lock_guard lock(mutex_);
  const auto held = held_ - from + to;
  const auto held_large = held_large_ - (is_large(from) ? from : 0) + (is_large(to) ? to : 0);
  if (to > from && (held > total_ || (is_large(to) && held_large > large_limit_))) return false;
  held_ = held;
  held_large_ = held_large;
  publish_locked();
  return true;
}

void body_budget::release(std::size_t bytes) { try_change(bytes, 0); }

void body_budget::publish_locked() {
  if (held_gauge_) held_gauge_->Set(static_cast<double>(held_));
}

body_budget::reservation::reservation(reservation&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

body_budget::reservation& body_budget::reservation::operator=(reservation&& other) noexcept {
  if (this != &other) {
    release();
    budget_ = std::exchange(other.budget_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

bool body_budget::reservation::resize(std::size_t bytes) {
  if (!budget_ || !budget_->try_change(bytes_, bytes)) return false;
  bytes_ = bytes;
  return true;
}

void body_budget::reservation::release() {
  if (budget_) budget_->release(bytes_);
  budget_ = nullptr;
  bytes_ = 0;
}

}  // namespace tributary::ingest
