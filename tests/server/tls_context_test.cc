// The server TLS context (self-signed and from files) and the channel bindings of RFC 5929 §4.1
// and RFC 9266 §2, checked against independent computations and against the client's view.
#include "harness/server/tls_context.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sah::server {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using ::testing::HasSubstr;

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

X509Ptr parse_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return X509Ptr(x);
}

// The digest of the DER encoding, computed independently of X509_digest.
std::string der_digest(X509* cert, const EVP_MD* md) {
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  EVP_Digest(der, static_cast<std::size_t>(len), out, &out_len, md, nullptr);
  OPENSSL_free(der);
  return std::string(reinterpret_cast<char*>(out), out_len);
}

// A self-signed RSA 2048 certificate signed with `md`, for the hash-choice rule of RFC 5929.
X509Ptr make_rsa_cert(const EVP_MD* md, PkeyPtr& key_out) {
  key_out.reset(EVP_RSA_gen(2048));
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key_out.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("rsa.test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_sign(cert.get(), key_out.get(), md);
  return cert;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/sah-tls-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_pem_files(X509* cert, EVP_PKEY* key, const std::string& cert_file, const std::string& key_file) {
  FILE* f = std::fopen(cert_file.c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(key_file.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

TEST(TlsContext, SelfSignedNamesTheHostAndLoopback) {
  auto tls = TlsContext::self_signed("mx.example.test");
  ASSERT_TRUE(tls.ok()) << tls.error();
  EXPECT_TRUE(tls.value()->generated());
  X509Ptr cert = parse_pem(tls.value()->certificate_pem());
  ASSERT_TRUE(cert);
  char cn[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "mx.example.test");
  EXPECT_EQ(X509_check_host(cert.get(), "mx.example.test", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "::1", 0), 1);
  EXPECT_NE(X509_check_host(cert.get(), "other.example.test", 0, 0, nullptr), 1);
  // Valid now, for about one day.
  int days = 0, secs = 0;
  ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert.get()), X509_get0_notAfter(cert.get()));
  EXPECT_EQ(days, 1);
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert.get())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert.get())), 0);
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(cert.get())), EVP_PKEY_EC);
}

TEST(TlsContext, SelfSignedVerifiesAsItsOwnTrustAnchorForServerUse) {
  auto tls = TlsContext::self_signed("harness.localhost");
  ASSERT_TRUE(tls.ok());
  X509Ptr cert = parse_pem(tls.value()->certificate_pem());
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, cert.get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert.get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  EXPECT_EQ(X509_verify_cert(ctx), 1) << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
}

TEST(TlsContext, OddHostnameFallsBackToLocalhost) {
  auto tls = TlsContext::self_signed("bad name,with:commas");
  ASSERT_TRUE(tls.ok()) << tls.error();
  X509Ptr cert = parse_pem(tls.value()->certificate_pem());
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
}

TEST(TlsContext, IpLiteralHostnameIsAnIpSan) {
  auto tls = TlsContext::self_signed("192.0.2.7");
  ASSERT_TRUE(tls.ok()) << tls.error();
  X509Ptr cert = parse_pem(tls.value()->certificate_pem());
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "192.0.2.7", 0), 1);
}

TEST(TlsContext, FromFilesLoadsCertificateAndKey) {
  TempDir dir;
  PkeyPtr key;
  X509Ptr cert = make_rsa_cert(EVP_sha256(), key);
  write_pem_files(cert.get(), key.get(), dir.file("c.pem"), dir.file("k.pem"));
  auto tls = TlsContext::from_files(dir.file("c.pem"), dir.file("k.pem"));
  ASSERT_TRUE(tls.ok()) << tls.error();
  EXPECT_FALSE(tls.value()->generated());
  X509Ptr loaded = parse_pem(tls.value()->certificate_pem());
  ASSERT_TRUE(loaded);
  EXPECT_EQ(X509_cmp(loaded.get(), cert.get()), 0);
}

TEST(TlsContext, FromFilesReportsWhatIsWrong) {
  TempDir dir;
  PkeyPtr key, other_key;
  X509Ptr cert = make_rsa_cert(EVP_sha256(), key);
  X509Ptr other = make_rsa_cert(EVP_sha256(), other_key);
  write_pem_files(cert.get(), key.get(), dir.file("c.pem"), dir.file("k.pem"));
  write_pem_files(other.get(), other_key.get(), dir.file("c2.pem"), dir.file("k2.pem"));

  auto missing = TlsContext::from_files(dir.file("nope.pem"), dir.file("k.pem"));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error(), HasSubstr("nope.pem"));

  auto mismatch = TlsContext::from_files(dir.file("c.pem"), dir.file("k2.pem"));
  ASSERT_FALSE(mismatch.ok());
  EXPECT_THAT(mismatch.error(), HasSubstr("k2.pem"));
}

TEST(TlsContext, WritesTheCertificatePem) {
  TempDir dir;
  auto tls = TlsContext::self_signed("harness.localhost");
  ASSERT_TRUE(tls.ok());
  EXPECT_EQ(tls.value()->write_certificate_pem(dir.file("cert.pem")), "");
  std::ifstream in(dir.file("cert.pem"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, tls.value()->certificate_pem());
  EXPECT_THAT(text, HasSubstr("-----BEGIN CERTIFICATE-----"));
  EXPECT_NE(tls.value()->write_certificate_pem(dir.file("no-such-dir/cert.pem")), "");
}

// RFC 5929 §4.1: the certificate's signature hash, but SHA-256 for MD5 and SHA-1.
struct EndPointRow {
  const char* reason;
  const EVP_MD* (*sign_md)();
  const EVP_MD* (*expect_md)();
};

TEST(ChannelBinding, TlsServerEndPointUsesTheRightHash) {
  const EndPointRow rows[] = {
      {"SHA-256 signature: SHA-256", EVP_sha256, EVP_sha256},
      {"SHA-384 signature: SHA-384 (stronger than SHA-256)", EVP_sha384, EVP_sha384},
      {"SHA-512 signature: SHA-512", EVP_sha512, EVP_sha512},
      {"SHA-1 signature: replaced by SHA-256", EVP_sha1, EVP_sha256},
  };
  for (const auto& row : rows) {
    PkeyPtr key;
    X509Ptr cert = make_rsa_cert(row.sign_md(), key);
    ASSERT_TRUE(cert) << row.reason;
    auto cb = tls_server_end_point(cert.get());
    EXPECT_EQ(cb.type, "tls-server-end-point") << row.reason;
    EXPECT_EQ(cb.data, der_digest(cert.get(), row.expect_md())) << row.reason;
  }
  auto self = TlsContext::self_signed("harness.localhost");
  ASSERT_TRUE(self.ok());
  X509Ptr generated = parse_pem(self.value()->certificate_pem());
  EXPECT_EQ(tls_server_end_point(generated.get()).data, der_digest(generated.get(), EVP_sha256()));
  EXPECT_EQ(tls_server_end_point(nullptr).data, "");
}

// A loopback handshake between a server stream on the context and a plain client stream.
struct Handshake {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  tcp::socket server_socket{io};
  tcp::socket client_socket{io};
  ssl::context client_ctx{ssl::context::tls_client};
  std::unique_ptr<ssl::stream<tcp::socket&>> server;
  std::unique_ptr<ssl::stream<tcp::socket&>> client;
  std::optional<error_code> server_result, client_result;

  bool run(TlsContext& tls, int client_max_version = 0) {
    client_socket.connect(acceptor.local_endpoint());
    acceptor.accept(server_socket);
    if (client_max_version != 0) SSL_CTX_set_max_proto_version(client_ctx.native_handle(), client_max_version);
    SSL_CTX_set_min_proto_version(client_ctx.native_handle(), TLS1_VERSION);
    SSL_CTX_set_security_level(client_ctx.native_handle(), 0);  // let an old client even try
    client_ctx.set_verify_mode(ssl::verify_none);
    server = std::make_unique<ssl::stream<tcp::socket&>>(server_socket, tls.asio());
    client = std::make_unique<ssl::stream<tcp::socket&>>(client_socket, client_ctx);
    server->async_handshake(ssl::stream_base::server, [this](const error_code& ec) {
      server_result = ec;
      if (ec) server_socket.close();
    });
    client->async_handshake(ssl::stream_base::client, [this](const error_code& ec) {
      client_result = ec;
      if (ec) client_socket.close();
    });
    io.run_for(std::chrono::seconds(5));
    return server_result && !*server_result && client_result && !*client_result;
  }
};

TEST(ChannelBinding, BothEndsAgreeOnTlsExporterAndEndPoint) {
  auto tls = TlsContext::self_signed("harness.localhost");
  ASSERT_TRUE(tls.ok());
  for (int version : {TLS1_3_VERSION, TLS1_2_VERSION}) {
    Handshake h;
    ASSERT_TRUE(h.run(*tls.value(), version)) << "version " << version;
    SSL* s = h.server->native_handle();
    SSL* c = h.client->native_handle();
    EXPECT_EQ(SSL_version(c), version);
    auto server_exp = tls_exporter(s);
    auto client_exp = tls_exporter(c);
    EXPECT_EQ(server_exp.type, "tls-exporter");
    EXPECT_EQ(server_exp.data.size(), 32u);
    EXPECT_EQ(server_exp.data, client_exp.data) << "version " << version;
    // The server hashes its own certificate, the client the one it received.
    EXPECT_EQ(tls_server_end_point(SSL_get_certificate(s)).data,
              tls_server_end_point(SSL_get0_peer_certificate(c)).data);
    EXPECT_EQ(tls_server_end_point(SSL_get_certificate(s)).data.size(), 32u);
  }
}

TEST(ChannelBinding, ExporterDiffersBetweenConnections) {
  auto tls = TlsContext::self_signed("harness.localhost");
  ASSERT_TRUE(tls.ok());
  Handshake a, b;
  ASSERT_TRUE(a.run(*tls.value()));
  ASSERT_TRUE(b.run(*tls.value()));
  EXPECT_NE(tls_exporter(a.server->native_handle()).data, tls_exporter(b.server->native_handle()).data);
}

TEST(ChannelBinding, NoExporterBeforeTheHandshake) {
  ssl::context ctx{ssl::context::tls_client};
  SSL* fresh = SSL_new(ctx.native_handle());
  EXPECT_EQ(tls_exporter(fresh).data, "");
  SSL_free(fresh);
  EXPECT_EQ(tls_exporter(nullptr).data, "");
}

// RFC 8996, RFC 8314 §4.1: TLS 1.0 and 1.1 are refused (TLS-14).
TEST(TlsContext, RefusesTls11) {
  auto tls = TlsContext::self_signed("harness.localhost");
  ASSERT_TRUE(tls.ok());
  Handshake h;
  EXPECT_FALSE(h.run(*tls.value(), TLS1_1_VERSION));
}

}  // namespace
}  // namespace sah::server
