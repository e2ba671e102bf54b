#include "tests/ingest/test_certificate.hpp"

#include "tests/harness/child_process.hpp"
#include "tests/harness/unique_name.hpp"

#include <filesystem>
#include <stdexcept>

namespace tributary::testing {

test_certificate::test_certificate() {
  const auto folder = std::filesystem::temp_directory_path() / unique_name("ingest_tls");
  std::filesystem::create_directories(folder);
  folder_ = folder.string();
  certificate_ = (folder / "cert.pem").string();
  key_ = (folder / "key.pem").string();
  child_process openssl({{"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                          "-keyout", key_, "-out", certificate_, "-days", "1", "-subj",
                          "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"},
                         {}});
  const auto status = openssl.wait_for_exit(std::chrono::seconds(60));
  if (!status || !status->success()) {
    std::filesystem::remove_all(folder_);
    throw std::runtime_error("openssl req failed: " + openssl.stderr_text());
  }
}

test_certificate::~test_certificate() {
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

}  // namespace tributary::testing
