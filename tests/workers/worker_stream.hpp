#pragma once

#include "tests/harness/child_process.hpp"
#include "tests/workers/lifecycle.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tributary::testing {

/// The stream the worker-process tests consume: GitHub's 329 examples with the lifecycle's 21
/// deliveries woven in, and every lifecycle delivery a second time at the end (a redelivery).
std::vector<delivery> the_stream();

/// Publishes `items` to `topic` as ingest does (key, headers); `malformed_after` >= 0 inserts a
/// body that is not JSON, keyed like the lifecycle's repository, after that many items. Throws
/// std::runtime_error when the broker does not take every message.
void publish(const std::string& topic, const std::vector<delivery>& items, int malformed_after);

/// How the tests run tributary-worker (batches of 7, session timeout 6 s, metrics on an
/// ephemeral port); change `environment` for more.
child_options worker_options(const std::string& url, const std::string& topic,
                             const std::string& group);

/// Distinct deliveries of the stream (the malformed message not counted).
constexpr long long stream_deliveries = 329 + 21;
/// Messages of the stream as published with a malformed one.
constexpr long long stream_messages = 329 + 21 + 21 + 1;

/// Ledger rows plus dead letters: stream_deliveries + 1 once the stream is done.
long long settled(const std::string& url);

/// The port of the worker's /metrics, from its `started` log line (waits for it up to 60 s).
/// Throws std::runtime_error when the line does not come.
std::uint16_t metrics_port_of(child_process& worker);

/// The analytics of the stream (with its malformed message) applied in order by one in-process
/// batch_applier on a fresh database, batches of 7: what every run of the worker must give.
const std::map<std::string, std::vector<std::string>>& stream_snapshot();

/// Everything of the stream is in the database at `url`, once, and only the malformed message
/// was dead-lettered.
void expect_complete(const std::string& url);

}  // namespace tributary::testing
