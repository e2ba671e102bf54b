#pragma once

#include "tests/harness/unique_name.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace tributary::testing {

/// An RSA key pair: the private half in a PEM file (GITHUB_APP_PRIVATE_KEY_FILE), the public half
/// for the fake. Removes its file on destruction.
class app_key_pair {
 public:
  app_key_pair() : file_((std::filesystem::temp_directory_path() / unique_name("app_key")).string() + ".pem") {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), &EVP_PKEY_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> private_bio(BIO_new(BIO_s_mem()), &BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> public_bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PrivateKey(private_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    PEM_write_bio_PUBKEY(public_bio.get(), key.get());
    std::ofstream(file_) << text_of(private_bio.get());
    public_pem_ = text_of(public_bio.get());
  }
  ~app_key_pair() { std::filesystem::remove(file_); }
  const std::string& private_key_file() const { return file_; }
  const std::string& public_pem() const { return public_pem_; }

 private:
  static std::string text_of(BIO* bio) {
    char* data = nullptr;
    const auto length = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(length));
  }
  std::string file_;
  std::string public_pem_;
};

}  // namespace tributary::testing
