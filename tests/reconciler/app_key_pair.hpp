#pragma once

#include <string>

namespace tributary::testing {

/// A GitHub App's RSA key pair made for a test: the private half in a PEM file
/// (GITHUB_APP_PRIVATE_KEY_FILE), the public half for the fake. Removes its file on destruction.
class app_key_pair {
 public:
  app_key_pair();
  ~app_key_pair();
  app_key_pair(const app_key_pair&) = delete;
  app_key_pair& operator=(const app_key_pair&) = delete;
  const std::string& private_key_file() const { return file_; }
  const std::string& public_pem() const { return public_pem_; }

 private:
  std::string file_;
  std::string public_pem_;
};

}  // namespace tributary::testing
