#include "tests/harness/webhook_examples.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>

#include "tests/harness/services.hpp"

namespace tributary::testing {
namespace {

constexpr const char* examples_path =
    "/tests/data/node_modules/@octokit/webhooks-examples/api.github.com/index.json";

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::vector<example_payload> load_webhook_examples() {
  const std::string path = required_environment("TRIBUTARY_SOURCE_DIR") + examples_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw harness_error("cannot read " + path + " (run scripts/setup.sh)");
  std::stringstream text;
  text << in.rdbuf();

  rapidjson::Document document;
  document.Parse<rapidjson::kParseFullPrecisionFlag>(text.str().c_str());
  if (document.HasParseError() || !document.IsArray())
    throw harness_error(path + " is not the JSON array of events it should be");

  std::vector<example_payload> examples;
  for (const auto& event : document.GetArray()) {
    if (!event.IsObject() || !event.HasMember("name") || !event["name"].IsString() ||
        !event.HasMember("examples") || !event["examples"].IsArray())
      throw harness_error(path + ": an event entry lacks name or examples");
    const std::string name = event["name"].GetString();
    for (const auto& payload : event["examples"].GetArray()) {
      example_payload example;
      example.event = name;
      if (payload.IsObject()) {
        const auto action = payload.FindMember("action");
        if (action != payload.MemberEnd() && action->value.IsString())
          example.action = action->value.GetString();
      }
      example.payload = compact(payload);
      examples.push_back(std::move(example));
    }
  }
  return examples;
}

}  // namespace tributary::testing
