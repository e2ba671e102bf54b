#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::testing {

/// A client of the devbroker's control channel (tools/devbroker/README.md). Each call opens a
/// connection, sends one command and reads its reply, so instances are cheap and never hold the
/// channel (it serves one client at a time). Calls throw harness_error when the devbroker answers
/// `error ...` or can't be reached. Any thread may use it.
class broker_control {
 public:
  /// The devbroker of services.env.
  broker_control();
  /// The devbroker whose control channel listens at "host:port".
  explicit broker_control(std::string address);

  /// Every broker (`all`) or broker `id` (1..N) goes down: connections are closed and refused.
  void down(int id);
  void up(int id);
  void down_all() { down(all); }
  void up_all() { up(all); }
  /// The next requests of `api_key` (number or name: "Produce", "Fetch", "Metadata") to broker
  /// `broker_id` (or to any broker for `all`) fail with `codes`, one each, in order.
  void push_errors(int broker_id, std::string_view api_key, const std::vector<int>& codes);
  void create_topic(std::string_view name, int partitions);
  void ping();

  /// Sends one raw command line; returns the reply line, "ok" or "error ..." (no throw on error).
  std::string send(std::string_view line);

  static constexpr int all = -1;

 private:
  void expect_ok(std::string_view line);
  std::string address_;
};

/// A uniquely named topic (starting with `prefix`) created with `partitions` partitions on the
/// devbroker. Tests use their own topics so that they can run in parallel.
std::string fresh_topic(std::string_view prefix, int partitions = 12);

}  // namespace tributary::testing
