#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::reconciler {

/// The links of an RFC 8288 `Link` header as GitHub sends them for pagination:
/// `<https://api.github.com/repositories/1300192/issues?page=4>; rel="next", <...>; rel="last"`.
/// Keyed by relation ("next", "prev", "first", "last"); a link with several relations
/// (`rel="next last"`) appears under each. Malformed entries are skipped, never guessed at. Pure.
std::map<std::string, std::string> parse_link_header(std::string_view header);

/// The `rel="next"` target of `header`, if there is one: the page walker's only question.
std::optional<std::string> next_page_link(std::string_view header);

}  // namespace tributary::reconciler
