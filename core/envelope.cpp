#include "core/envelope.hpp"

namespace tributary::core::envelope {
namespace {

const rapidjson::Value* string_member(const rapidjson::Value& object, const char* outer,
                                      const char* inner) {
  if (!object.IsObject()) return nullptr;
  auto o = object.FindMember(outer);
  if (o == object.MemberEnd() || !o->value.IsObject()) return nullptr;
  auto i = o->value.FindMember(inner);
  if (i == o->value.MemberEnd() || !i->value.IsString() || i->value.GetStringLength() == 0)
    return nullptr;
  return &i->value;
}

}  // namespace

std::string message_key(const rapidjson::Value& payload, std::string_view delivery_id) {
  for (const auto& [outer, inner] : {std::pair{"repository", "full_name"},
                                     std::pair{"organization", "login"},
                                     std::pair{"sender", "login"}}) {
    if (const auto* value = string_member(payload, outer, inner))
      return {value->GetString(), value->GetStringLength()};
  }
  return std::string(delivery_id);
}

std::string message_key(const payload_scan& scan, std::string_view delivery_id) {
  for (const auto* candidate :
       {&scan.repository_full_name, &scan.organization_login, &scan.sender_login})
    if (!candidate->empty()) return *candidate;
  return std::string(delivery_id);
}

}  // namespace tributary::core::envelope
