#include "tests/reconciler/test_authority.hpp"

#include "tests/harness/child_process.hpp"
#include "tests/harness/unique_name.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace tributary::testing {
namespace {

void run_openssl(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "/usr/bin/openssl");
  child_process openssl({arguments, {}});
  const auto status = openssl.wait_for_exit(std::chrono::seconds(60));
  if (!status || !status->success()) throw std::runtime_error("openssl " + arguments[1] + " failed: " + openssl.stderr_text());
}

}  // namespace

test_authority::test_authority() {
  const auto folder = std::filesystem::temp_directory_path() / unique_name("reconciler_ca");
  std::filesystem::create_directories(folder);
  folder_ = folder.string();
  ca_ = (folder / "ca.pem").string();
  certificate_ = (folder / "server.pem").string();
  key_ = (folder / "server.key").string();
  const auto ca_key = (folder / "ca.key").string();
  const auto request = (folder / "server.csr").string();
  const auto extensions = (folder / "server.ext").string();
  std::ofstream(extensions) << "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n";
  try {
    run_openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca_, "-days", "1",
                 "-subj", "/CN=Tributary Test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                 "keyUsage=critical,keyCertSign,cRLSign"});
    run_openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", key_, "-out", request, "-subj", "/CN=localhost"});
    run_openssl({"x509", "-req", "-in", request, "-CA", ca_, "-CAkey", ca_key, "-CAcreateserial", "-out",
                 certificate_, "-days", "1", "-extfile", extensions});
  } catch (...) {
    std::filesystem::remove_all(folder_);
    throw;
  }
}

test_authority::~test_authority() {
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

}  // namespace tributary::testing
