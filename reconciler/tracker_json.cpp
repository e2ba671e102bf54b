#include "reconciler/tracker_json.hpp"

namespace tributary::reconciler {

std::string text_of_member(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return "";
  const auto member = object.FindMember(key);
  if (member == object.MemberEnd() || member->value.IsNull()) return "";
  const auto& value = member->value;
  if (value.IsString()) return value.GetString();
  if (value.IsBool()) return value.GetBool() ? "true" : "false";
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  return "";
}

std::string login_of_member(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return "";
  const auto member = object.FindMember(key);
  if (member == object.MemberEnd() || !member->value.IsObject()) return "";
  return text_of_member(member->value, "login");
}

}  // namespace tributary::reconciler
