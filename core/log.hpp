#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace tributary::core {

enum class log_level { debug, info, warning, error };

/// A value of one log field.
using log_value = std::variant<std::string_view, std::int64_t, double, bool>;

/// One `"name": value` of a log line.
struct log_field {
  std::string_view name;
  log_value value;
  log_field(std::string_view n, std::string_view v) : name(n), value(v) {}
  log_field(std::string_view n, const std::string& v) : name(n), value(std::string_view(v)) {}
  log_field(std::string_view n, const char* v) : name(n), value(std::string_view(v)) {}
  log_field(std::string_view n, bool v) : name(n), value(v) {}
  log_field(std::string_view n, double v) : name(n), value(v) {}
  template <typename Integer>
    requires std::is_integral_v<Integer>
  log_field(std::string_view n, Integer v) : name(n), value(static_cast<std::int64_t>(v)) {}
};

/// Writes JSON lines to stderr: {"ts":..., "level":..., "component":..., "msg":..., fields...}.
/// Cheap to copy; any thread may call it (one line is written at once).
class logger {
 public:
  explicit logger(std::string component) : component_(std::move(component)) {}

  void debug(std::string_view message, std::initializer_list<log_field> fields = {}) const {
    write(log_level::debug, message, fields);
  }
  void info(std::string_view message, std::initializer_list<log_field> fields = {}) const {
    write(log_level::info, message, fields);
  }
  void warning(std::string_view message, std::initializer_list<log_field> fields = {}) const {
    write(log_level::warning, message, fields);
  }
  void error(std::string_view message, std::initializer_list<log_field> fields = {}) const {
    write(log_level::error, message, fields);
  }
  void write(log_level level, std::string_view message,
             std::initializer_list<log_field> fields) const;

  /// The process-wide threshold (LOG_LEVEL); lines below it are dropped.
  static void set_threshold(log_level level);
  static log_level parse_level(std::string_view text);  // throws std::invalid_argument
  static bool enabled(log_level level);

 private:
  std::string component_;
};

/// The JSON line `logger::write` would print (without the newline); for tests.
std::string format_log_line(std::string_view component, log_level level, std::string_view message,
                            std::initializer_list<log_field> fields);

}  // namespace tributary::core
