#include "bench/worker/realistic_mix.hpp"

#include "core/envelope.hpp"
#include "tools/replay/example_payloads.hpp"
#include "tools/replay/webhook_request.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace tributary::bench {
namespace {

constexpr std::int64_t id_stride = 10'000'000'000;  // above every id in the examples

/// Moves every integer `id` by `shift` and suffixes every `full_name`, at any depth (GitHub's
/// payloads nest 7 levels, so the recursion is shallow).
void make_world(rapidjson::Value& value, std::int64_t shift, const std::string& suffix,
                rapidjson::Document::AllocatorType& allocator) {
  if (value.IsArray()) {
    for (auto& item : value.GetArray()) make_world(item, shift, suffix, allocator);
    return;
  }
  if (!value.IsObject()) return;
  for (auto& member : value.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (name == "id" && member.value.IsInt64()) {
      member.value.SetInt64(member.value.GetInt64() + shift);
    } else if (name == "full_name" && member.value.IsString()) {
      const std::string renamed = std::string(member.value.GetString()) + suffix;
      member.value.SetString(renamed.c_str(), static_cast<rapidjson::SizeType>(renamed.size()),
                             allocator);
    } else {
      make_world(member.value, shift, suffix, allocator);
    }
  }
}

}  // namespace

std::vector<bench_delivery> realistic_mix(const std::string& examples_file, std::size_t count,
                                          std::size_t first_copy) {
  const auto examples = replay::load_example_payloads(examples_file);
  if (examples.empty()) throw std::runtime_error("no examples in " + examples_file);
  std::vector<rapidjson::Document> parsed(examples.size());
  for (std::size_t i = 0; i < examples.size(); ++i)
    if (parsed[i].Parse(examples[i].payload.c_str()).HasParseError() || !parsed[i].IsObject())
      throw std::runtime_error("example " + std::to_string(i) + " is not a JSON object");

  std::vector<bench_delivery> stream;
  stream.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto which = i % examples.size();
    const auto copy = first_copy + i / examples.size();
    rapidjson::Document payload;
    payload.CopyFrom(parsed[which], payload.GetAllocator());
    make_world(payload, static_cast<std::int64_t>(copy) * id_stride, "-" + std::to_string(copy),
               payload.GetAllocator());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    payload.Accept(writer);
    bench_delivery item;
    item.event = examples[which].event;
    item.delivery_id = replay::new_delivery_id();
    item.key = core::envelope::message_key(payload, item.delivery_id);
    item.payload.assign(buffer.GetString(), buffer.GetSize());
    stream.push_back(std::move(item));
  }
  return stream;
}

}  // namespace tributary::bench
