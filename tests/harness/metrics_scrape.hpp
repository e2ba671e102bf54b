#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tributary::testing {

/// One sample of Prometheus' text exposition format: `name{label="value",...} number`.
struct metric_sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

/// What one GET /metrics returned, parsed. Immutable once built; any thread may read it.
class metrics_scrape {
 public:
  /// GET http://127.0.0.1:`port`/metrics. Throws std::runtime_error when nothing answers 200.
  static metrics_scrape fetch(std::uint16_t port);
  /// Parses the text format (comment lines skipped). Throws std::runtime_error on a bad line.
  static metrics_scrape parse(const std::string& text);

  /// The sample `name` whose labels are exactly `labels`; std::nullopt when absent.
  std::optional<double> find(const std::string& name,
                             const std::map<std::string, std::string>& labels = {}) const;
  /// Like find(), but absence is a test failure: throws std::runtime_error naming the series.
  double value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
  /// Every sample named `name`, whatever its labels.
  std::vector<metric_sample> all(const std::string& name) const;

 private:
  std::vector<metric_sample> samples_;
};

}  // namespace tributary::testing
