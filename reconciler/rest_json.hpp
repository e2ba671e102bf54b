#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace tributary::reconciler {

/// The member `key` of `object` when it is a non-null value, else null. Pure.
const rapidjson::Value* member_of(const rapidjson::Value& object, const char* key);
/// The string at `key`, or "" when absent or not a string. Pure.
std::string string_of(const rapidjson::Value& object, const char* key);
/// The string at `key`, or nothing when absent, null or not a string (a NULL in SQL). Pure.
std::optional<std::string> optional_string_of(const rapidjson::Value& object, const char* key);

/// Member `key` of a REST object as text: a string as it is, a number in decimal, a boolean as
/// "true"/"false", "" when absent or null. For comparisons with the database and delivery ids.
/// Pure.
std::string text_of_member(const rapidjson::Value& object, const char* key);

/// The login of the user object at member `key` ("" for none). Pure.
std::string login_of_member(const rapidjson::Value& object, const char* key);

}  // namespace tributary::reconciler
