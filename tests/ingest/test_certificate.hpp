#pragma once

#include <string>

namespace tributary::testing {

/// A self-signed certificate for "localhost" and its key, made with the openssl command in a
/// temporary folder that is removed on destruction. Throws std::runtime_error when openssl fails.
class test_certificate {
 public:
  test_certificate();
  ~test_certificate();
  test_certificate(const test_certificate&) = delete;
  test_certificate& operator=(const test_certificate&) = delete;

  const std::string& certificate_file() const { return certificate_; }
  const std::string& key_file() const { return key_; }

 private:
  std::string folder_;
  std::string certificate_;
  std::string key_;
};

}  // namespace tributary::testing
