#include "reconciler/link_header.hpp"

namespace tributary::reconciler {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The value of `rel` among the parameters after the target: `; rel="next"` or `; rel=next`.
std::optional<std::string_view> relation(std::string_view parameters) {
  while (!parameters.empty()) {
    const auto semicolon = parameters.find(';');
    auto parameter = trim(parameters.substr(0, semicolon));
    parameters = semicolon == std::string_view::npos ? std::string_view{}
                                                     : parameters.substr(semicolon + 1);
    const auto equals = parameter.find('=');
    if (equals == std::string_view::npos) continue;
    if (trim(parameter.substr(0, equals)) != "rel") continue;
    auto value = trim(parameter.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    return value;
  }
  return std::nullopt;
}

}  // namespace

std::map<std::string, std::string> parse_link_header(std::string_view header) {
  std::map<std::string, std::string> links;
  std::size_t position = 0;
  while (position < header.size()) {
    const auto open = header.find('<', position);
    if (open == std::string_view::npos) break;
    const auto close = header.find('>', open);
    if (close == std::string_view::npos) break;
    const auto target = header.substr(open + 1, close - open - 1);
    // The parameters run to the next comma outside quotes (a URL's commas are inside <>).
    auto end = close + 1;
    bool quoted = false;
    while (end < header.size() && (quoted || header[end] != ',')) {
      if (header[end] == '"') quoted = !quoted;
      ++end;
    }
    if (const auto rel = relation(header.substr(close + 1, end - close - 1))) {
      auto names = *rel;
      while (!names.empty()) {
        const auto space = names.find(' ');
        const auto name = names.substr(0, space);
        if (!name.empty() && !target.empty()) links.emplace(std::string(name), std::string(target));
        names = space == std::string_view::npos ? std::string_view{} : names.substr(space + 1);
      }
    }
    position = end + 1;
  }
  return links;
}

std::optional<std::string> next_page_link(std::string_view header) {
  auto links = parse_link_header(header);
  const auto next = links.find("next");
  if (next == links.end()) return std::nullopt;
  return std::move(next->second);
}

}  // namespace tributary::reconciler
