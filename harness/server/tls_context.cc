#include "harness/server/tls_context.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

namespace sah::server {
namespace {

namespace ssl = boost::asio::ssl;

template <class T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<BIGNUM, BN_free>>;
using GensPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES, GENERAL_NAMES_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION, X509_EXTENSION_free>>;

// The oldest OpenSSL error on this thread, and clears the queue (so the next call starts clean).
std::string openssl_error(std::string_view what) {
  unsigned long code = ERR_get_error();
  std::string out(what);
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

// RFC 8996 / RFC 8314 §4.1: TLS 1.0 and 1.1 are deprecated; the harness's server speaks 1.2+.
// Client-initiated renegotiation is refused (a classic CPU exhaustion vector).
void harden(ssl::context& ctx) {
  SSL_CTX* h = ctx.native_handle();
  SSL_CTX_set_min_proto_version(h, TLS1_2_VERSION);
  SSL_CTX_set_options(h, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_mode(h, SSL_MODE_RELEASE_BUFFERS);  // small idle connections (memory per connection)
}

std::string pem_of(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return {};
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(len));
}

bool add_ext(X509* cert, X509V3_CTX* v3, int nid, const char* value) {
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, v3, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool push_dns(GENERAL_NAMES* gens, std::string_view name) {
  GENERAL_NAME* gen = GENERAL_NAME_new();
  ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
  if (gen == nullptr || ia5 == nullptr ||
      ASN1_STRING_set(ia5, name.data(), static_cast<int>(name.size())) != 1) {
    GENERAL_NAME_free(gen);
    ASN1_IA5STRING_free(ia5);
    return false;
  }
  GENERAL_NAME_set0_value(gen, GEN_DNS, ia5);
  if (sk_GENERAL_NAME_push(gens, gen) <= 0) {
    GENERAL_NAME_free(gen);
    return false;
  }
  return true;
}

bool push_ip(GENERAL_NAMES* gens, const boost::asio::ip::address& addr) {
  std::string raw;
  if (addr.is_v4()) {
    auto b = addr.to_v4().to_bytes();
    raw.assign(b.begin(), b.end());
  } else {
    auto b = addr.to_v6().to_bytes();
    raw.assign(b.begin(), b.end());
  }
  GENERAL_NAME* gen = GENERAL_NAME_new();
  ASN1_OCTET_STRING* os = ASN1_OCTET_STRING_new();
  if (gen == nullptr || os == nullptr ||
      ASN1_OCTET_STRING_set(os, reinterpret_cast<const unsigned char*>(raw.data()),
                            static_cast<int>(raw.size())) != 1) {
    GENERAL_NAME_free(gen);
    ASN1_OCTET_STRING_free(os);
    return false;
  }
  GENERAL_NAME_set0_value(gen, GEN_IPADD, os);
  if (sk_GENERAL_NAME_push(gens, gen) <= 0) {
    GENERAL_NAME_free(gen);
    return false;
  }
  return true;
}

// A DNS name fit for a certificate: letters, digits, '-', '.', 1..253 octets (RFC 1035 §2.3.4).
bool plausible_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

TlsContext::TlsContext() : ctx_(ssl::context::tls_server) { harden(ctx_); }
TlsContext::~TlsContext() = default;

Result<std::shared_ptr<TlsContext>, std::string> TlsContext::from_files(const std::string& cert_file,
                                                                       const std::string& key_file) {
  std::shared_ptr<TlsContext> tls(new TlsContext());
  SSL_CTX* h = tls->ctx_.native_handle();
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(h, cert_file.c_str()) != 1)
    return unexpected(openssl_error("cannot load the certificate chain from " + cert_file));
  // The key file's content is never echoed: only OpenSSL's reason.
  if (SSL_CTX_use_PrivateKey_file(h, key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    return unexpected(openssl_error("cannot load the private key from " + key_file));
  if (SSL_CTX_check_private_key(h) != 1)
    return unexpected(openssl_error("the private key in " + key_file + " does not match the certificate in " +
                                    cert_file));
  X509* leaf = SSL_CTX_get0_certificate(h);
  tls->cert_pem_ = leaf != nullptr ? pem_of(leaf) : std::string();
  return tls;
}

Result<std::shared_ptr<TlsContext>, std::string> TlsContext::self_signed(std::string_view hostname) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return unexpected(openssl_error("cannot generate an EC P-256 key"));
  X509Ptr cert(X509_new());
  if (!cert) return unexpected(openssl_error("cannot allocate a certificate"));
  X509_set_version(cert.get(), X509_VERSION_3);

  // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 127 random bits.
  BnPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr)
    return unexpected(openssl_error("cannot make a serial number"));

  // Valid from five minutes ago (clock skew) for one day.
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600) == nullptr)
    return unexpected(openssl_error("cannot set the validity"));
  if (X509_set_pubkey(cert.get(), key.get()) != 1) return unexpected(openssl_error("cannot set the public key"));

  // CN is limited to 64 octets (RFC 5280 upper bound ub-common-name); the SAN carries the name
  // that clients actually check (RFC 6125 §6.4.4).
  std::string host(hostname);
  if (!plausible_dns_name(host)) host = "localhost";
  boost::system::error_code addr_ec;
  auto host_addr = boost::asio::ip::make_address(host, addr_ec);
  X509_NAME* name = X509_get_subject_name(cert.get());
  std::string cn = host.size() <= 64 ? host : std::string("localhost");
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()),
                                 -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1)
    return unexpected(openssl_error("cannot set the subject name"));

  GensPtr gens(sk_GENERAL_NAME_new_null());
  bool names_ok = gens != nullptr;
  if (names_ok && !addr_ec) names_ok = push_ip(gens.get(), host_addr);
  if (names_ok && addr_ec && host != "localhost") names_ok = push_dns(gens.get(), host);
  names_ok = names_ok && push_dns(gens.get(), "localhost");
  if (names_ok && host != "127.0.0.1") names_ok = push_ip(gens.get(), boost::asio::ip::make_address_v4("127.0.0.1"));
  if (names_ok && host != "::1") names_ok = push_ip(gens.get(), boost::asio::ip::make_address_v6("::1"));
  if (!names_ok || X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, gens.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return unexpected(openssl_error("cannot set subjectAltName"));

  X509V3_CTX v3;
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  if (!add_ext(cert.get(), &v3, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_ext(cert.get(), &v3, NID_key_usage, "critical,digitalSignature") ||
      !add_ext(cert.get(), &v3, NID_ext_key_usage, "serverAuth") ||
      !add_ext(cert.get(), &v3, NID_subject_key_identifier, "hash") ||
      !add_ext(cert.get(), &v3, NID_authority_key_identifier, "keyid:always"))
    return unexpected(openssl_error("cannot add the certificate extensions"));

  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) return unexpected(openssl_error("cannot sign"));

  std::shared_ptr<TlsContext> tls(new TlsContext());
  SSL_CTX* h = tls->ctx_.native_handle();
  if (SSL_CTX_use_certificate(h, cert.get()) != 1 || SSL_CTX_use_PrivateKey(h, key.get()) != 1 ||
      SSL_CTX_check_private_key(h) != 1)
    return unexpected(openssl_error("cannot install the generated certificate"));
  tls->cert_pem_ = pem_of(cert.get());
  tls->generated_ = true;
  if (tls->cert_pem_.empty()) return unexpected(openssl_error("cannot encode the certificate"));
  return tls;
}

std::string TlsContext::write_certificate_pem(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return "cannot open " + path + " for writing";
  out << cert_pem_;
  out.close();
  if (!out) return "cannot write " + path;
  return {};
}

sasl::ChannelBinding tls_server_end_point(X509* cert) {
  sasl::ChannelBinding cb{"tls-server-end-point", {}};
  if (cert == nullptr) return cb;
  int md_nid = NID_undef;
  const EVP_MD* md = EVP_sha256();
  if (X509_get_signature_info(cert, &md_nid, nullptr, nullptr, nullptr) == 1 && md_nid != NID_undef &&
      md_nid != NID_md5 && md_nid != NID_sha1) {
    // RFC 5929 §4.1: the hash of the certificate's signatureAlgorithm, unless it is MD5 or
    // SHA-1 (then SHA-256). Without a single hash (Ed25519: NID_undef) RFC 5929 defines
    // nothing; SHA-256 is what deployed SCRAM-PLUS implementations use.
    const EVP_MD* sig_md = EVP_get_digestbynid(md_nid);
    if (sig_md != nullptr) md = sig_md;
  }
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, md, buf, &len) != 1) {
    ERR_clear_error();
    return cb;
  }
  cb.data.assign(reinterpret_cast<const char*>(buf), len);
  return cb;
}

bool accept_deprecated_tls_versions(SSL* ssl) {
  if (ssl == nullptr) return false;
  SSL_set_security_level(ssl, 0);
  return SSL_set_min_proto_version(ssl, TLS1_VERSION) == 1;
}

sasl::ChannelBinding tls_exporter(SSL* ssl) {
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";  // RFC 9266 §2, no NUL
  sasl::ChannelBinding cb{"tls-exporter", {}};
  if (ssl == nullptr) return cb;
  unsigned char out[32];
  if (SSL_export_keying_material(ssl, out, sizeof out, kLabel, sizeof kLabel - 1, nullptr, 0, 0) != 1) {
    ERR_clear_error();
    return cb;
  }
  cb.data.assign(reinterpret_cast<const char*>(out), sizeof out);
  return cb;
}

}  // namespace sah::server
