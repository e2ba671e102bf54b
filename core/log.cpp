#include "core/log.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/clock.hpp"

namespace tributary::core {
namespace {

std::atomic<log_level> threshold{log_level::info};

std::string_view level_name(log_level level) {
  switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
  }
  return "info";
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_value(std::string& out, const log_value& value) {
  std::visit(
      [&](const auto& v) {
        using type = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<type, std::string_view>) {
          append_json_string(out, v);
        } else if constexpr (std::is_same_v<type, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<type, double>) {
          if (std::isfinite(v)) {
            char number[32];
            std::snprintf(number, sizeof number, "%.6g", v);
            out += number;
          } else {
            out += "null";
          }
        } else {
          out += std::to_string(v);
        }
      },
      value);
}

}  // namespace

std::string format_log_line(std::string_view component, log_level level, std::string_view message,
                            std::initializer_list<log_field> fields) {
  std::string line;
  line.reserve(128);
  line += "{\"ts\":";
  append_json_string(line, format_rfc3339_ms(std::chrono::system_clock::now()));
  line += ",\"level\":";
  append_json_string(line, level_name(level));
  line += ",\"component\":";
  append_json_string(line, component);
  line += ",\"msg\":";
  append_json_string(line, message);
  for (const auto& field : fields) {
    line += ',';
    append_json_string(line, field.name);
    line += ':';
    append_value(line, field.value);
  }
  line += '}';
  return line;
}

void logger::write(log_level level, std::string_view message,
                   std::initializer_list<log_field> fields) const {
  if (!enabled(level)) return;
  auto line = format_log_line(component_, level, message, fields);
  line += '\n';
  // One fwrite of the whole line: stdio locks the stream, so concurrent lines never interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void logger::set_threshold(log_level level) { threshold.store(level); }

bool logger::enabled(log_level level) { return level >= threshold.load(std::memory_order_relaxed); }

log_level logger::parse_level(std::string_view text) {
  if (text == "debug") return log_level::debug;
  if (text == "info") return log_level::info;
  if (text == "warning" || text == "warn") return log_level::warning;
  if (text == "error") return log_level::error;
  throw std::invalid_argument("log level must be debug, info, warning or error");
}

}  // namespace tributary::core
