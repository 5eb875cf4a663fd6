// The built-in server's TLS side: a server context from PEM files, or a self-signed certificate
// made at start-up, and the two channel bindings the -PLUS mechanisms need.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

#include "harness/base/result.h"
#include "harness/sasl/mechanism.h"

typedef struct ssl_st SSL;
typedef struct x509_st X509;

namespace sah::server {

class TlsContext {
 public:
  // Certificate chain and private key in PEM files (`--tls-cert F --tls-key F`).
  // The error names the file and OpenSSL's reason; no key material is printed.
  static Result<std::shared_ptr<TlsContext>, std::string> from_files(const std::string& cert_file,
                                                                      const std::string& key_file);
  // A fresh EC P-256 key and a self-signed certificate valid for one day: CN = `hostname`,
  // subjectAltName DNS:hostname, DNS:localhost, IP:127.0.0.1, IP:::1. For a lab server only;
  // clients that want to verify it trust certificate_pem() (see write_certificate_pem).
  static Result<std::shared_ptr<TlsContext>, std::string> self_signed(std::string_view hostname);

  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  ~TlsContext();

  boost::asio::ssl::context& asio() { return ctx_; }
  // The leaf certificate in PEM form.
  const std::string& certificate_pem() const { return cert_pem_; }
  bool generated() const { return generated_; }
  // Writes certificate_pem() to `path` (0644). Empty on success, else the reason.
  std::string write_certificate_pem(const std::string& path) const;

 private:
  TlsContext();
  boost::asio::ssl::context ctx_;
  std::string cert_pem_;
  bool generated_ = false;
};

// RFC 5929 §4.1 tls-server-end-point: the hash of the server certificate (DER) with the
// certificate's signature hash, except that MD5 and SHA-1 (and no single hash at all, as with
// Ed25519) become SHA-256. Empty data when `cert` is null. Usable on both sides: the server
// passes its own certificate, a client the peer's.
sasl::ChannelBinding tls_server_end_point(X509* cert);
// RFC 9266 §2 tls-exporter: 32 octets exported with label "EXPORTER-Channel-Binding" and no
// context (for TLS 1.3 "no context" and "empty context" are the same value, RFC 8446 §7.5).
// Empty data when the export fails (no handshake yet).
sasl::ChannelBinding tls_exporter(SSL* ssl);

// The fault `tls-accepts-old-versions` on one connection: TLS 1.0 and 1.1 are accepted (RFC 8996 and
// RFC 8314 §4.1 deprecate them; the context refuses them by default), at OpenSSL security level 0
// since their handshakes sign with SHA-1. False when OpenSSL refuses the setting.
bool accept_deprecated_tls_versions(SSL* ssl);

}  // namespace sah::server
