#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tributary::testing {

/// GitHub's example payloads (load_webhook_examples) by event, handed out as fresh documents to
/// edit into the deliveries a test needs. Immutable after construction; any thread.
class example_book {
 public:
  example_book();
  /// A copy of example `index` of `event`; throws std::logic_error unless its action is `action`.
  rapidjson::Document take(const std::string& event, std::size_t index, const std::string& action) const;
  /// A copy of the first example of `event` whose action is `action` ("" for events without one).
  rapidjson::Document take(const std::string& event, const std::string& action) const;

 private:
  struct entry {
    std::string action;
    std::string payload;
  };
  std::map<std::string, std::vector<entry>> by_event_;
};

/// The value at "a.b.c" of `document`; missing members are added and non-objects on the way
/// become objects.
rapidjson::Value& at(rapidjson::Document& document, const std::string& path);

void set(rapidjson::Document& document, const std::string& path, const std::string& text);
void set(rapidjson::Document& document, const std::string& path, const char* text);
void set(rapidjson::Document& document, const std::string& path, std::int64_t number);
void set(rapidjson::Document& document, const std::string& path, int number);
void set(rapidjson::Document& document, const std::string& path, bool flag);
void set_null(rapidjson::Document& document, const std::string& path);
/// A deep copy of `value` at `path`.
void set_value(rapidjson::Document& document, const std::string& path, const rapidjson::Value& value);
/// Removes the member at `path` (nothing if absent).
void erase(rapidjson::Document& document, const std::string& path);

/// `value` as compact JSON.
std::string json_of(const rapidjson::Value& value);

}  // namespace tributary::testing
