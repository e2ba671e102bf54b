#include "ingest/tls_context.hpp"

#include <openssl/ssl.h>

namespace tributary::ingest {
namespace ssl = boost::asio::ssl;

ssl::context make_tls_context(const tls_files& files) {
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  context.use_certificate_chain_file(files.certificate_chain, ec);
  if (ec) throw core::settings_error("INGEST_TLS_CERT: cannot use " + files.certificate_chain);
  context.use_private_key_file(files.private_key, ssl::context::pem, ec);
  if (ec) throw core::settings_error("INGEST_TLS_KEY: cannot use the key file " + files.private_key);
  if (SSL_CTX_check_private_key(context.native_handle()) != 1)
    throw core::settings_error("INGEST_TLS_KEY does not match INGEST_TLS_CERT");
  return context;
}

}  // namespace tributary::ingest
