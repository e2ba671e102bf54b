#include "tests/harness/hostile_payloads.hpp"

#include "tests/harness/services.hpp"
#include "tests/harness/webhook_examples.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <functional>

namespace tributary::testing {
namespace {

using edit = std::function<void(rapidjson::Document&)>;

/// The first example of `event`/`action`, edited, as compact JSON.
std::string edited_example(const std::vector<example_payload>& examples, std::string_view event,
                           std::string_view action, const edit& change) {
  for (const auto& example : examples) {
    if (example.event != event || example.action != action) continue;
    rapidjson::Document document;
    document.Parse(example.payload.c_str(), example.payload.size());
    change(document);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    document.Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
  }
  throw harness_error("no example of " + std::string(event) + " " + std::string(action));
}

void set_string(rapidjson::Value& object, const char* key, std::string_view text,
                rapidjson::Document::AllocatorType& allocator) {
  object[key].SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

std::string nested_objects(std::size_t depth) {
  std::string text;
  text.reserve(depth * 6 + 64);
  text += R"({"action":"opened","sender":{"login":"deep","id":1},"x":)";
  for (std::size_t i = 1; i < depth; ++i) text += "{\"a\":";
  text += "1";
  text.append(depth, '}');
  return text;
}

}  // namespace

std::vector<hostile_payload> hostile_payloads() {
  const auto examples = load_webhook_examples();
  std::vector<hostile_payload> result;

  result.push_back({"deep_arrays", "push",
                    std::string(200'000, '[') + std::string(200'000, ']'), 400});
  result.push_back({"deep_objects", "issues", nested_objects(50'000), 400});

  result.push_back({"wrong_types", "pull_request",
                    edited_example(examples, "pull_request", "opened",
                                   [](rapidjson::Document& d) {
                                     d["pull_request"].SetString("not an object");
                                     d["repository"].SetArray();
                                   }),
                    202});
  result.push_back({"wrong_types_inside", "issues",
                    edited_example(examples, "issues", "opened",
                                   [](rapidjson::Document& d) {
                                     d["issue"]["user"].SetInt(7);
                                     d["issue"]["number"].SetString("seven");
                                     d["issue"]["assignees"].SetObject();
                                   }),
                    202});
  result.push_back({"null_users", "issues",
                    edited_example(examples, "issues", "opened",
                                   [](rapidjson::Document& d) {
                                     d["issue"]["user"].SetNull();
                                     d["sender"].SetNull();
                                     d["repository"]["owner"].SetNull();
                                   }),
                    202});
  result.push_back({"ids_out_of_range", "pull_request",
                    edited_example(examples, "pull_request", "opened",
                                   [](rapidjson::Document& d) {
                                     d["pull_request"]["id"].SetDouble(1e30);
                                     d["pull_request"]["number"].SetInt64(9'223'372'036'854'775'807);
                                     d["repository"]["id"].SetInt64(-1);
                                   }),
                    202});
  result.push_back({"times_not_times", "issues",
                    edited_example(examples, "issues", "opened",
                                   [](rapidjson::Document& d) {
                                     auto& a = d.GetAllocator();
                                     set_string(d["issue"], "created_at", "yesterday", a);
                                     set_string(d["issue"], "updated_at", "2024-13-45T99:00:00Z", a);
                                   }),
                    202});
  result.push_back({"push_of_20000_commits", "push",
                    edited_example(examples, "push", "",
                                   [](rapidjson::Document& d) {
                                     auto& a = d.GetAllocator();
                                     auto& commits = d["commits"];
                                     rapidjson::Value model(rapidjson::kObjectType);
                                     if (commits.IsArray() && !commits.Empty())
                                       model.CopyFrom(commits[0], a);
                                     else
                                       model.CopyFrom(d["head_commit"], a);
                                     commits.SetArray();
                                     commits.Reserve(20'000, a);
                                     for (int i = 0; i < 20'000; ++i) {
                                       rapidjson::Value commit(model, a);
                                       char sha[41];
                                       std::snprintf(sha, sizeof sha, "%040x", i + 1);
                                       commit["id"].SetString(sha, 40, a);
                                       commits.PushBack(commit, a);
                                     }
                                   }),
                    202});
  {
    auto body = edited_example(examples, "issues", "opened", [](rapidjson::Document& d) {
      set_string(d["issue"], "title", "INVALID-UTF8-HERE", d.GetAllocator());
    });
    body.replace(body.find("INVALID-UTF8-HERE"), 17, "bad \xff\xfe\xc3\x28 bytes");
    result.push_back({"invalid_utf8", "issues", std::move(body), 400});
  }
  {
    auto body = edited_example(examples, "issues", "opened", [](rapidjson::Document& d) {
      set_string(d["issue"], "title", "NUL-HERE", d.GetAllocator());
      set_string(d["sender"], "login", "NUL-HERE", d.GetAllocator());
      set_string(d["repository"], "full_name", "NUL-HERE", d.GetAllocator());
    });
    for (auto at = body.find("NUL-HERE"); at != std::string::npos; at = body.find("NUL-HERE"))
      body.replace(at, 8, "a\\u0000b");
    result.push_back({"nul_in_strings", "issues", std::move(body), 202});
  }
  {
    auto body = edited_example(examples, "star", "created", [](rapidjson::Document& d) {
      set_string(d, "starred_at", "HUGE-NUMBER", d.GetAllocator());
    });
    body.replace(body.find("\"HUGE-NUMBER\""), 13, "1e400");
    result.push_back({"number_too_large", "star", std::move(body), 400});
  }
  result.push_back({"not_an_object", "ping", R"([{"zen":"Keep it logically awesome."}])", 202});
  return result;
}

}  // namespace tributary::testing
