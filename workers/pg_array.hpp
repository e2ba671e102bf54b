#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::workers {

/// Builds the text form of a one-dimensional PostgreSQL array ({"a","b",NULL}), so that a variable
/// number of rows travels as one parameter per column of a single statement (`unnest($1::text[],
/// $2::bigint[])`) instead of one round trip per row. Every element is double-quoted and escaped,
/// so any text is safe. Single-threaded value type.
class pg_array {
 public:
  void add(std::string_view text);
  void add(std::int64_t number);
  void add(bool flag);
  void add_null();
  template <typename T>
  void add(const std::optional<T>& value) {
    if (value) add(*value);
    else add_null();
  }
  void add(const std::optional<std::string>& value) {
    if (value) add(std::string_view(*value));
    else add_null();
  }
  void add(const std::string& text) { add(std::string_view(text)); }
  void add(const char* text) { add(std::string_view(text)); }
  void add(int number) { add(static_cast<std::int64_t>(number)); }

  std::size_t size() const { return size_; }
  /// The literal: {} when empty.
  std::string str() const { return text_ + "}"; }

 private:
  void separate();
  std::string text_ = "{";
  std::size_t size_ = 0;
};

}  // namespace tributary::workers
