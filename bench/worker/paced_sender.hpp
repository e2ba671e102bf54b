#pragma once

#include "bench/worker/realistic_mix.hpp"
#include "tools/replay/target_url.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tributary::bench {

/// What became of one delivery sent.
struct paced_result {
  unsigned status = 0;              // 0: no answer
  std::int64_t answered_at_us = 0;  // system clock (µs since the epoch) when the answer was read
  std::int64_t latency_us = 0;      // request written to answer read
  std::int64_t late_us = 0;         // how long after its scheduled time the request was sent
};

struct pacing {
  double rate = 1000;          // deliveries a second, open loop: delivery i is due at i / rate
  unsigned connections = 16;   // keep-alive connections, each on its own thread
  std::string secret;
};

/// Sends `deliveries` to `url` (plain HTTP) as GitHub does, each at its scheduled time: delivery
/// i is due at start + i / rate, whichever connection is free takes it, so a slow answer delays
/// only the deliveries that find every connection busy (`late_us` says by how much). Blocks until
/// every delivery is answered or failed; results are in the deliveries' order.
std::vector<paced_result> send_paced(const replay::target_url& url,
                                     const std::vector<bench_delivery>& deliveries,
                                     const pacing& settings);

}  // namespace tributary::bench
