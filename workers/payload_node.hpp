#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::workers {

/// A read-only view of one JSON value of a payload and the path that leads to it, so that every
/// defect is reported as a fold_error naming the field ("pull_request.user.login is missing").
/// `required_*` throw when the field is absent, null or of another type; `optional_*` return
/// nullopt when it is absent or null and throw only when it has the wrong type. Does not own the
/// document, which must outlive it. Cheap to copy; not thread-safe beyond the document's own rules.
class payload_node {
 public:
  payload_node(const rapidjson::Value& value, std::string path)
      : value_(&value), path_(std::move(path)) {}

  const rapidjson::Value& value() const { return *value_; }
  const std::string& path() const { return path_; }
  bool has(std::string_view key) const;  // present and not null

  payload_node required_object(std::string_view key) const;
  std::optional<payload_node> optional_object(std::string_view key) const;

  std::int64_t required_integer(std::string_view key) const;
  std::optional<std::int64_t> optional_integer(std::string_view key) const;

  /// Strings holding a NUL character (JSON's \u0000) are refused: PostgreSQL's text can't hold them.
  std::string required_string(std::string_view key) const;
  std::optional<std::string> optional_string(std::string_view key) const;

  std::optional<bool> optional_bool(std::string_view key) const;

  /// A timestamp as PostgreSQL reads it: GitHub's RFC 3339 strings pass through (anything else is
  /// a fold_error), epoch seconds (push and installation payloads use them) become RFC 3339.
  std::string required_time(std::string_view key) const;
  std::optional<std::string> optional_time(std::string_view key) const;

  /// Calls `each` with every element of the array at `key` (absent or null: none).
  void for_each_element(std::string_view key, const std::function<void(const payload_node&)>& each) const;

  std::string child_path(std::string_view key) const;

 private:
  const rapidjson::Value* find(std::string_view key) const;  // nullptr when absent or null
  [[noreturn]] void wrong_type(std::string_view key, std::string_view expected) const;

  const rapidjson::Value* value_;
  std::string path_;
};

}  // namespace tributary::workers
