#include "harness/net/tls_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "harness/server/tls_context.h"

namespace sah::net {

namespace ssl = boost::asio::ssl;

Result<std::shared_ptr<ssl::context>, std::string> make_client_context(const TlsOptions& options) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* h = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(h, TLS1_2_VERSION) != 1) {
    return unexpected(std::string("cannot set the lowest TLS version to 1.2"));
  }
  if (options.insecure) {
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (options.ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
    if (ec) return unexpected("cannot load the system's trusted certificates: " + ec.message());
  } else {
    ctx->load_verify_file(options.ca_file, ec);
    if (ec) return unexpected("cannot load CA file " + options.ca_file + ": " + ec.message());
  }
  return ctx;
}

std::string describe_tls(const SSL* ssl) {
  if (ssl == nullptr) return {};
  const char* cipher = SSL_get_cipher_name(ssl);
  return std::string(SSL_get_version(ssl)) + " " + (cipher != nullptr ? cipher : "(no cipher)");
}

sasl::ChannelBinding client_channel_binding(SSL* ssl, std::string_view type) {
  if (ssl == nullptr) return {};
  if (type == "tls-server-end-point") {
    // The same rules on both sides (server::tls_server_end_point): hash of the server's
    // certificate with its signature hash, MD5 and SHA-1 replaced by SHA-256.
    return server::tls_server_end_point(SSL_get0_peer_certificate(ssl));
  }
  if (type == "tls-exporter") {
    // RFC 9266 §3: tls-exporter is defined for TLS 1.3; on TLS 1.2 it is only safe with the
    // extended master secret, and SCRAM-PLUS peers differ there. We give no binding on 1.2
    // (empty data) so that a -PLUS exchange uses tls-server-end-point or is skipped.
    if (SSL_version(ssl) < TLS1_3_VERSION) return {"tls-exporter", {}};
    return server::tls_exporter(ssl);
  }
  return {};
}

}  // namespace sah::net
