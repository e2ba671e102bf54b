#include "reconciler/rest_json.hpp"

namespace tributary::reconciler {

const rapidjson::Value* member_of(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  const auto found = object.FindMember(key);
  return found == object.MemberEnd() || found->value.IsNull() ? nullptr : &found->value;
}

std::string string_of(const rapidjson::Value& object, const char* key) {
  const auto* value = member_of(object, key);
  return value != nullptr && value->IsString() ? value->GetString() : "";
}

std::optional<std::string> optional_string_of(const rapidjson::Value& object, const char* key) {
  const auto* value = member_of(object, key);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::string text_of_member(const rapidjson::Value& object, const char* key) {
  const auto* value = member_of(object, key);
  if (value == nullptr) return "";
  if (value->IsString()) return value->GetString();
  if (value->IsBool()) return value->GetBool() ? "true" : "false";
  if (value->IsInt64()) return std::to_string(value->GetInt64());
  if (value->IsUint64()) return std::to_string(value->GetUint64());
  return "";
}

std::string login_of_member(const rapidjson::Value& object, const char* key) {
  const auto* user = member_of(object, key);
  return user != nullptr && user->IsObject() ? text_of_member(*user, "login") : "";
}

}  // namespace tributary::reconciler
