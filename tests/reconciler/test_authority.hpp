#pragma once

#include <string>

namespace tributary::testing {

/// A private certificate authority and a server certificate for "localhost" it signed (the case of
/// GitHub Enterprise Server behind a company CA), made with the openssl command in a temporary
/// folder that is removed on destruction. Throws std::runtime_error when openssl fails.
class test_authority {
 public:
  test_authority();
  ~test_authority();
  test_authority(const test_authority&) = delete;
  test_authority& operator=(const test_authority&) = delete;

  const std::string& ca_file() const { return ca_; }
  const std::string& certificate_file() const { return certificate_; }
  const std::string& key_file() const { return key_; }

 private:
  std::string folder_;
  std::string ca_;
  std::string certificate_;
  std::string key_;
};

}  // namespace tributary::testing
