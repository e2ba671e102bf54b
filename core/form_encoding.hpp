#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::core {

/// The value of field `name` in an application/x-www-form-urlencoded body (WHATWG URL standard:
/// `+` is a space, `%XX` a byte), or nothing when the field is absent or its encoding is
/// malformed (a `%` not followed by two hexadecimal digits). The first occurrence wins.
std::optional<std::string> form_field(std::string_view body, std::string_view name);

/// Percent-decodes one form component; nothing when malformed.
std::optional<std::string> percent_decode(std::string_view text);

/// Encodes `text` as one form component: unreserved bytes as they are, space as `+`, the rest as
/// `%XX` (what GitHub and browsers send).
std::string percent_encode(std::string_view text);

}  // namespace tributary::core
