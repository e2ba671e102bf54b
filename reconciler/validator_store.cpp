#include "reconciler/validator_store.hpp"

namespace tributary::reconciler {

std::optional<validators> memory_validator_store::find(std::string_view key) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  return found->second;
}

void memory_validator_store::remember(std::string_view key, const validators& value) {
  std::lock_guard lock(mutex_);
  entries_.insert_or_assign(std::string(key), value);
}

std::size_t memory_validator_store::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace tributary::reconciler
