#pragma once

#include <rapidjson/document.h>

#include <string_view>

namespace tributary::testing {

/// The examples of GitHub's published REST description (@octokit/openapi, pinned in
/// tests/data/package.json): `components.examples.NAME.value` of api.github.com.json, so that the
/// fake answers with GitHub's shapes rather than remembered ones. The file is read once, on first
/// use, from TRIBUTARY_OPENAPI_DESCRIPTION (a compile definition); any thread may call.
class openapi_examples {
 public:
  /// The shared instance. Throws std::runtime_error when the file is missing (run
  /// scripts/setup.sh) or lacks components.examples.
  static const openapi_examples& get();

  /// A copy of example `name`'s value, allocated in `allocator`; for an array example, its first
  /// item. Throws std::runtime_error when there is no such example.
  rapidjson::Value object(std::string_view name, rapidjson::Document::AllocatorType& allocator) const;

 private:
  openapi_examples();
  rapidjson::Document document_;
};

}  // namespace tributary::testing
