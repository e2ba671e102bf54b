#include "reconciler/installation_token.hpp"

#include "core/bounded_json.hpp"
#include "reconciler/github_time.hpp"

namespace tributary::reconciler {

installation_token parse_installation_token(std::string_view body) {
  rapidjson::Document document;
  if (!core::parse_bounded_json(document, body).ok() || !document.IsObject())
    throw installation_token_error("the installation token answer is not a JSON object");
  const auto token = document.FindMember("token");
  const auto expires_at = document.FindMember("expires_at");
  if (token == document.MemberEnd() || !token->value.IsString() || token->value.GetStringLength() == 0)
    throw installation_token_error("the installation token answer has no token");
  if (expires_at == document.MemberEnd() || !expires_at->value.IsString())
    throw installation_token_error("the installation token answer has no expires_at");
  const auto when = parse_github_time(expires_at->value.GetString());
  if (!when) throw installation_token_error("the installation token's expires_at is not a time");
  return {std::string(token->value.GetString(), token->value.GetStringLength()), *when};
}

bool should_refresh(const installation_token& token, std::chrono::system_clock::time_point now,
                    std::chrono::seconds margin) {
  return token.expires_at - now < margin;
}

}  // namespace tributary::reconciler
