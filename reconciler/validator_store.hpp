#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::reconciler {

/// What GitHub said about a resource the last time it answered 200, so that the next GET can be
/// conditional: `If-None-Match: etag` (or `If-Modified-Since: last_modified` when GitHub gave no
/// ETag). `next_link` remembers the page's rel="next", because a 304 need not repeat it and the
/// walk must go on.
struct validators {
  std::string etag;
  std::string last_modified;
  std::optional<std::string> next_link;
};

/// Where the client keeps validators, keyed by media type and request target (an ETag belongs to
/// one representation). An in-memory store now; a PostgreSQL one lets them outlive the process.
class validator_store {
 public:
  virtual ~validator_store() = default;
  virtual std::optional<validators> find(std::string_view key) = 0;
  virtual void remember(std::string_view key, const validators& value) = 0;
};

/// Validators in a map for the life of the process. Any thread may call it.
class memory_validator_store final : public validator_store {
 public:
  std::optional<validators> find(std::string_view key) override;
  void remember(std::string_view key, const validators& value) override;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, validators, std::less<>> entries_;
};

}  // namespace tributary::reconciler
