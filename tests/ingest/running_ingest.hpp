#pragma once

#include "tests/harness/child_process.hpp"
#include "tools/replay/target_url.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace tributary::testing {

/// A tributary-ingest child process ($TRIBUTARY_BUILD_DIR/ingest/tributary-ingest) on 127.0.0.1
/// with ports chosen by the system, read back from its "listening" log line. `environment` is
/// laid over the defaults (the devbroker, `topic`, secret `secret`, a 100 ms drain period). On destruction a child still
/// running is stopped with SIGTERM and must exit 0 within 60 s (else the running test fails with
/// its stderr, where a sanitizer's report of the shutdown would be); then it is killed if need be.
/// One thread uses it at a time.
class running_ingest {
 public:
  static constexpr const char* secret = "It's a Secret to Everybody";

  running_ingest(const std::string& topic,
                 const std::map<std::string, std::optional<std::string>>& environment = {});
  ~running_ingest();
  running_ingest(const running_ingest&) = delete;
  running_ingest& operator=(const running_ingest&) = delete;

  child_process& process() { return *process_; }
  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }
  /// http(s)://127.0.0.1:PORT/webhooks/github (or another path on the same port).
  replay::target_url url(bool tls = false, const std::string& path = "/webhooks/github") const;

 private:
  std::unique_ptr<child_process> process_;
  int port_ = 0;
  int metrics_port_ = 0;
};

}  // namespace tributary::testing
