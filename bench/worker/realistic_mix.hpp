#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tributary::bench {

/// One delivery of the benchmark stream, as ingest would publish it.
struct bench_delivery {
  std::string event;
  std::string delivery_id;  // a random UUID, as GitHub's are
  std::string key;          // core::envelope::message_key of the payload
  std::string payload;      // compact JSON
};

/// `count` deliveries made from GitHub's example payloads (@octokit/webhooks-examples, read from
/// `examples_file`), cycled in file order. Copy k of the examples (k = first_copy + i / 329) is a
/// world of its own: every integer `id` in the payload is moved by k * 10^10 and every
/// `full_name` gets the suffix "-k", so each copy brings its own repositories, users, pull
/// requests and issues (rows the folds insert, not the same rows updated again), and the stream
/// spreads over many repositories, hence partitions. Two calls with disjoint copy ranges give
/// disjoint worlds.
std::vector<bench_delivery> realistic_mix(const std::string& examples_file, std::size_t count,
                                          std::size_t first_copy = 0);

}  // namespace tributary::bench
