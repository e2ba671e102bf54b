// fuzz_seed_corpora OUTPUT_DIR: writes the seed corpus of each harness (OUTPUT_DIR/delivery,
// OUTPUT_DIR/event, OUTPUT_DIR/folds), one file per input, from GitHub's example payloads
// (@octokit/webhooks-examples, found through TRIBUTARY_SOURCE_DIR) and the signed hostile bodies
// of the test harness, in each harness's input format (fuzz_input.hpp). Run by the build; the
// corpora are never committed.
#include "core/form_encoding.hpp"
#include "fuzz/fuzz_input.hpp"
#include "tests/harness/hostile_payloads.hpp"
#include "tests/harness/webhook_examples.hpp"
#include "workers/folds/fold.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

namespace fuzz = tributary::fuzz;
namespace fs = std::filesystem;

// Bigger seeds (the 20,000-commit push, 200,000 brackets) make every mutation slow and teach the
// fuzzer nothing that a small one does not; and the fuzzer, whose inputs stay about this size,
// could never grow them. They are written apart (OUTPUT_DIR/HARNESS-large), for each run to
// execute once before it fuzzes.
constexpr std::size_t max_seed_bytes = 64 * 1024;

struct seed_body {
  std::string name;
  std::string event;
  std::string body;
};

void write_seed(const fs::path& directory, const std::string& name, const std::string& data) {
  std::ofstream out(directory / name, std::ios::binary);
  out << data;
  if (!out) throw std::runtime_error("cannot write " + (directory / name).string());
}

std::string file_name(std::size_t index, const seed_body& seed) {
  std::string name = std::to_string(index) + "-" + seed.name;
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '-'; }, '_');
  return name;
}

std::string delivery_id(std::size_t index) {
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012zu", index);
  return id;
}

void write_delivery_seeds(const fs::path& directory, const std::vector<seed_body>& seeds) {
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    const auto id = delivery_id(i);
    fuzz::framed_input<fuzz::delivery_lines> input;
    input.flags = 1U << fuzz::delivery_flag_sign;
    input.lines = {seeds[i].event, id, "123456789", "repository", "35129377", "application/json", ""};
    input.body = seeds[i].body;
    write_seed(directory, file_name(i, seeds[i]) + "-json", fuzz::write_input(input));
    if (i % 5 == 0) {  // GitHub's other content type, with a parameter as some proxies add it
      const auto form = "payload=" + tributary::core::percent_encode(seeds[i].body);
      input.lines[fuzz::line_content_type] = "application/x-www-form-urlencoded; charset=utf-8";
      input.body = form;
      write_seed(directory, file_name(i, seeds[i]) + "-form", fuzz::write_input(input));
    }
    if (i % 25 == 0) {  // a forged signature: the request stops at verification
      const std::string forged = "sha256=" + std::string(64, '0');
      input.flags = 0;
      input.lines[fuzz::line_content_type] = "application/json";
      input.lines[fuzz::line_signature] = forged;
      input.body = seeds[i].body;
      write_seed(directory, file_name(i, seeds[i]) + "-forged", fuzz::write_input(input));
    }
  }
}

void write_event_seeds(const fs::path& directory, const std::vector<seed_body>& seeds) {
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    const auto id = delivery_id(i);
    fuzz::framed_input<fuzz::event_lines> input;
    input.flags = 0x1f | (1U << fuzz::event_flag_timestamp);  // every header and a timestamp
    input.lines = {seeds[i].event, id, "2026-01-01T12:00:00.000Z", "webhook", "123456789",
                   "1767268800000"};
    input.body = seeds[i].body;
    if (i % 7 == 1) input.flags &= static_cast<std::uint8_t>(~(1U << 2));  // no received-at
    if (i % 7 == 2) input.flags |= 1U << fuzz::event_flag_valueless_event;
    if (i % 7 == 3) input.lines[2] = "2026-13-01T25:00:00Z";  // not a time: the timestamp is used
    write_seed(directory, file_name(i, seeds[i]), fuzz::write_input(input));
  }
}

void write_folds_seeds(const fs::path& directory, const std::vector<seed_body>& seeds) {
  const auto names = tributary::workers::folded_event_names();
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    const auto found = std::find(names.begin(), names.end(), seeds[i].event);
    if (found == names.end()) continue;  // kept raw, never folded
    fuzz::framed_input<fuzz::folds_lines> input;
    input.flags = static_cast<std::uint8_t>(found - names.begin());
    input.body = seeds[i].body;
    write_seed(directory, file_name(i, seeds[i]), fuzz::write_input(input));
  }
}

struct seed_bodies {
  std::vector<seed_body> small;  // seeds
  std::vector<seed_body> large;  // executed once by each run (over max_seed_bytes)
};

seed_bodies read_seed_bodies() {
  seed_bodies seeds;
  for (const auto& example : tributary::testing::load_webhook_examples())
    seeds.small.push_back({example.event + "-" + example.action, example.event, example.payload});
  for (const auto& hostile : tributary::testing::hostile_payloads())
    (hostile.body.size() <= max_seed_bytes ? seeds.small : seeds.large)
        .push_back({"hostile-" + hostile.name, hostile.event, hostile.body});
  // Just past the depth limit of core::max_json_depth, where ingest's verdict changes.
  seeds.small.push_back(
      {"deep-200", "push", "{\"a\":" + std::string(200, '[') + std::string(200, ']') + "}"});
  return seeds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_seed_corpora OUTPUT_DIR\n";
    return 2;
  }
  try {
    const auto seeds = read_seed_bodies();
    const fs::path output = argv[1];
    for (const std::string harness : {"delivery", "event", "folds"}) {
      for (const auto& directory : {output / harness, output / (harness + "-large")}) {
        fs::remove_all(directory);
        fs::create_directories(directory);
      }
    }
    write_delivery_seeds(output / "delivery", seeds.small);
    write_event_seeds(output / "event", seeds.small);
    write_folds_seeds(output / "folds", seeds.small);
    write_delivery_seeds(output / "delivery-large", seeds.large);
    write_event_seeds(output / "event-large", seeds.large);
    write_folds_seeds(output / "folds-large", seeds.large);
    std::cout << "fuzz_seed_corpora: " << seeds.small.size() << " seed bodies and "
              << seeds.large.size() << " large ones written to " << output << "\n";
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "fuzz_seed_corpora: " << error.what() << "\n";
    return 1;
  }
}
