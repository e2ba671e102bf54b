#include "tests/harness/payload_edit.hpp"

#include "tests/harness/webhook_examples.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace tributary::testing {

using rapidjson::Document;
using rapidjson::Value;

example_book::example_book() {
  for (auto& example : load_webhook_examples())
    by_event_[example.event].push_back({std::move(example.action), std::move(example.payload)});
}

Document example_book::take(const std::string& event, std::size_t index,
                            const std::string& action) const {
  const auto& chosen = by_event_.at(event).at(index);
  if (chosen.action != action)
    throw std::logic_error(event + "[" + std::to_string(index) + "] is " + chosen.action +
                           ", not " + action);
  Document document;
  document.Parse(chosen.payload.c_str(), chosen.payload.size());
  return document;
}

Document example_book::take(const std::string& event, const std::string& action) const {
  for (const auto& example : by_event_.at(event)) {
    if (example.action != action) continue;
    Document document;
    document.Parse(example.payload.c_str(), example.payload.size());
    return document;
  }
  throw std::logic_error("no example of " + event + " " + action);
}

Value& at(Document& document, const std::string& path) {
  Value* node = &document;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const auto key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->IsObject()) node->SetObject();
    auto member = node->FindMember(key.c_str());
    if (member == node->MemberEnd()) {
      node->AddMember(Value(key.c_str(), document.GetAllocator()), Value(), document.GetAllocator());
      member = node->FindMember(key.c_str());
    }
    node = &member->value;
    if (dot == std::string::npos) return *node;
    start = dot + 1;
  }
}

void set(Document& document, const std::string& path, const std::string& text) {
  at(document, path).SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()),
                               document.GetAllocator());
}
void set(Document& document, const std::string& path, const char* text) {
  set(document, path, std::string(text));
}
void set(Document& document, const std::string& path, std::int64_t number) {
  at(document, path).SetInt64(number);
}
void set(Document& document, const std::string& path, int number) {
  at(document, path).SetInt64(number);
}
void set(Document& document, const std::string& path, bool flag) { at(document, path).SetBool(flag); }
void set_null(Document& document, const std::string& path) { at(document, path).SetNull(); }
void set_value(Document& document, const std::string& path, const Value& value) {
  at(document, path).CopyFrom(value, document.GetAllocator());
}
void erase(Document& document, const std::string& path) {
  const auto dot = path.rfind('.');
  auto& parent = dot == std::string::npos ? static_cast<Value&>(document) : at(document, path.substr(0, dot));
  parent.RemoveMember(dot == std::string::npos ? path.c_str() : path.c_str() + dot + 1);
}

std::string json_of(const Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace tributary::testing
