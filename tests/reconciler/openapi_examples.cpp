#include "tests/reconciler/openapi_examples.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tributary::testing {

openapi_examples::openapi_examples() {
  const std::string path = TRIBUTARY_OPENAPI_DESCRIPTION;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + " (run scripts/setup.sh)");
  std::stringstream text;
  text << in.rdbuf();
  document_.Parse(text.str().c_str());
  if (document_.HasParseError() || !document_.IsObject() || !document_.HasMember("components") ||
      !document_["components"].HasMember("examples"))
    throw std::runtime_error(path + " is not GitHub's OpenAPI description with examples");
}

const openapi_examples& openapi_examples::get() {
  static const openapi_examples examples;
  return examples;
}

rapidjson::Value openapi_examples::object(std::string_view name,
                                          rapidjson::Document::AllocatorType& allocator) const {
  const auto& examples = document_["components"]["examples"];
  const auto found = examples.FindMember(rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size())));
  if (found == examples.MemberEnd() || !found->value.IsObject() || !found->value.HasMember("value"))
    throw std::runtime_error("no example " + std::string(name) + " in GitHub's OpenAPI description");
  const auto& value = found->value["value"];
  if (value.IsArray()) {
    if (value.Empty()) throw std::runtime_error("example " + std::string(name) + " is an empty array");
    return rapidjson::Value(value[0], allocator);
  }
  return rapidjson::Value(value, allocator);
}

}  // namespace tributary::testing
