#pragma once

#include "ingest/ingest_settings.hpp"

#include <boost/asio/ssl/context.hpp>

namespace tributary::ingest {

/// A server TLS context for `files`: TLS 1.2 or newer, certificate chain and private key from PEM.
/// Throws core::settings_error naming the setting whose file could not be used.
boost::asio::ssl::context make_tls_context(const tls_files& files);

}  // namespace tributary::ingest
