#include "tools/replay/example_payloads.hpp"

#include <rapidjson/document.h>
#include <rapidjson/istreamwrapper.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <stdexcept>

namespace tributary::replay {

std::vector<example_payload> load_example_payloads(const std::string& index_json) {
  std::ifstream file(index_json);
  if (!file) throw std::runtime_error("cannot read " + index_json);
  rapidjson::IStreamWrapper stream(file);
  rapidjson::Document document;
  document.ParseStream(stream);
  if (document.HasParseError() || !document.IsArray())
    throw std::runtime_error(index_json + " is not a JSON array");
  std::vector<example_payload> examples;
  for (const auto& entry : document.GetArray()) {
    if (!entry.IsObject() || !entry.HasMember("name") || !entry["name"].IsString() ||
        !entry.HasMember("examples") || !entry["examples"].IsArray())
      throw std::runtime_error(index_json + ": an entry lacks name or examples");
    for (const auto& example : entry["examples"].GetArray()) {
      rapidjson::StringBuffer buffer;
      rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
      example.Accept(writer);
      examples.push_back({entry["name"].GetString(), {buffer.GetString(), buffer.GetSize()}});
    }
  }
  return examples;
}

std::string default_examples_file(const std::string& root) {
  return root + "/tests/data/node_modules/@octokit/webhooks-examples/api.github.com/index.json";
}

}  // namespace tributary::replay
