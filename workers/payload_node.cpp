#include "workers/payload_node.hpp"

#include "core/clock.hpp"
#include "workers/fold_error.hpp"
#include "workers/rfc3339.hpp"

#include <chrono>

namespace tributary::workers {

std::string payload_node::child_path(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  std::string path = path_;
  path += '.';
  path += key;
  return path;
}

const rapidjson::Value* payload_node::find(std::string_view key) const {
  if (!value_->IsObject()) return nullptr;
  const auto member = value_->FindMember(
      rapidjson::Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  if (member == value_->MemberEnd() || member->value.IsNull()) return nullptr;
  return &member->value;
}

bool payload_node::has(std::string_view key) const { return find(key) != nullptr; }

void payload_node::wrong_type(std::string_view key, std::string_view expected) const {
  throw fold_error(child_path(key) + " is not " + std::string(expected));
}

payload_node payload_node::required_object(std::string_view key) const {
  if (auto node = optional_object(key)) return *node;
  throw fold_error(child_path(key) + " is missing");
}

std::optional<payload_node> payload_node::optional_object(std::string_view key) const {
  const auto* found = find(key);
  if (!found) return std::nullopt;
  if (!found->IsObject()) wrong_type(key, "an object");
  return payload_node(*found, child_path(key));
}

std::int64_t payload_node::required_integer(std::string_view key) const {
  if (auto number = optional_integer(key)) return *number;
  throw fold_error(child_path(key) + " is missing");
}

std::optional<std::int64_t> payload_node::optional_integer(std::string_view key) const {
  const auto* found = find(key);
  if (!found) return std::nullopt;
  if (!found->IsInt64()) wrong_type(key, "an integer");
  return found->GetInt64();
}

std::string payload_node::required_string(std::string_view key) const {
  if (auto text = optional_string(key)) return *text;
  throw fold_error(child_path(key) + " is missing");
}

std::optional<std::string> payload_node::optional_string(std::string_view key) const {
  const auto* found = find(key);
  if (!found) return std::nullopt;
  if (!found->IsString()) wrong_type(key, "a string");
  std::string text(found->GetString(), found->GetStringLength());
  // JSON allows \u0000; PostgreSQL's text does not. Refused here, naming the field, rather than
  // by PostgreSQL for the whole batch.
  if (text.find('\0') != std::string::npos)
    throw fold_error(child_path(key) + " contains a NUL character, which PostgreSQL text can't hold");
  return text;
}

std::optional<bool> payload_node::optional_bool(std::string_view key) const {
  const auto* found = find(key);
  if (!found) return std::nullopt;
  if (!found->IsBool()) wrong_type(key, "a boolean");
  return found->GetBool();
}

std::string payload_node::required_time(std::string_view key) const {
  if (auto time = optional_time(key)) return *time;
  throw fold_error(child_path(key) + " is missing");
}

std::optional<std::string> payload_node::optional_time(std::string_view key) const {
  const auto* found = find(key);
  if (!found) return std::nullopt;
  if (found->IsString()) {
    if (found->GetStringLength() == 0) throw fold_error(child_path(key) + " is an empty timestamp");
    std::string text(found->GetString(), found->GetStringLength());
    // GitHub's times are RFC 3339 (and within what the worker's clock holds, years 1678 to 2261);
    // anything else is named here (the value is not quoted: it is the sender's text, and the
    // reason must always be writable).
    if (!parse_rfc3339(text)) throw fold_error(child_path(key) + " is not an RFC 3339 timestamp");
    return text;
  }
  if (found->IsInt64()) {
    // system_clock counts nanoseconds in 64 bits (years 1677 to 2262): epoch seconds beyond that
    // would overflow converting to it (found by fuzz/folds_fuzzer.cpp).
    constexpr auto limit = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::duration::max())
                               .count();
    if (found->GetInt64() <= -limit || found->GetInt64() >= limit)
      throw fold_error(child_path(key) + " is a timestamp out of range");
    const std::chrono::system_clock::time_point when{std::chrono::seconds(found->GetInt64())};
    return core::format_rfc3339_ms(when);
  }
  wrong_type(key, "a timestamp");
}

void payload_node::for_each_element(std::string_view key,
                                    const std::function<void(const payload_node&)>& each) const {
  const auto* found = find(key);
  if (!found) return;
  if (!found->IsArray()) wrong_type(key, "an array");
  const auto base = child_path(key);
  rapidjson::SizeType index = 0;
  for (const auto& element : found->GetArray()) {
    each(payload_node(element, base + "[" + std::to_string(index) + "]"));
    ++index;
  }
}

}  // namespace tributary::workers
