// Test doubles for the TCP transport: a throwaway self-signed certificate made with OpenSSL,
// the server side's channel bindings computed independently of harness code, and a one-shot
// loopback server (127.0.0.1, port 0) that runs a handler on its one connection in a thread.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace sah::net::testing {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

struct TestCert {
  std::shared_ptr<X509> cert;
  std::shared_ptr<EVP_PKEY> key;
  std::string pem;
};

// EC P-256 key, CN=localhost, SAN DNS:localhost and IP:127.0.0.1, signed with `md`.
inline TestCert make_cert(const EVP_MD* md) {
  TestCert t;
  t.key.reset(EVP_EC_gen("P-256"), EVP_PKEY_free);
  t.cert.reset(X509_new(), X509_free);
  X509* c = t.cert.get();
  X509_set_version(c, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(c), 42);
  X509_gmtime_adj(X509_getm_notBefore(c), -60);
  X509_gmtime_adj(X509_getm_notAfter(c), 3600);
  X509_set_pubkey(c, t.key.get());
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(c, name);
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, c, c, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    X509_add_ext(c, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(c, t.key.get(), md);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, c);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  t.pem.assign(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return t;
}

// RFC 5929 §4.1, written out again: the certificate's signature hash, SHA-256 for MD5/SHA-1.
inline std::string expected_end_point(X509* cert) {
  int md_nid = NID_undef;
  OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, nullptr);
  const EVP_MD* md = EVP_sha256();
  if (md_nid != NID_md5 && md_nid != NID_sha1 && md_nid != NID_undef) md = EVP_get_digestbynid(md_nid);
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  EVP_Digest(der, static_cast<std::size_t>(len), out, &out_len, md, nullptr);
  OPENSSL_free(der);
  return std::string(reinterpret_cast<char*>(out), out_len);
}

// RFC 9266 §2 on the server's SSL object.
inline std::string server_exporter(SSL* ssl) {
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
  unsigned char out[32];
  if (SSL_export_keying_material(ssl, out, sizeof out, kLabel, sizeof kLabel - 1, nullptr, 0, 0) != 1) return {};
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

inline std::shared_ptr<ssl::context> server_context(const TestCert& cert, int max_version = 0) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX_use_certificate(ctx->native_handle(), cert.cert.get());
  SSL_CTX_use_PrivateKey(ctx->native_handle(), cert.key.get());
  if (max_version != 0) SSL_CTX_set_max_proto_version(ctx->native_handle(), max_version);
  return ctx;
}

// One side of the test server's connection, cleartext or TLS, with blocking calls.
class ServerConn {
 public:
  explicit ServerConn(tcp::socket& s) : socket_(s) {}

  bool write(const std::string& data) {
    error_code ec;
    if (tls_) asio::write(*tls_, asio::buffer(data), ec);
    else asio::write(socket_, asio::buffer(data), ec);
    return !ec;
  }
  // A line with its CRLF stripped; nullopt at the end of the connection.
  std::optional<std::string> read_line() {
    for (;;) {
      const auto lf = buf_.find('\n');
      if (lf != std::string::npos) {
        std::string line = buf_.substr(0, lf);
        buf_.erase(0, lf + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      char chunk[4096];
      error_code ec;
      const std::size_t n = tls_ ? tls_->read_some(asio::buffer(chunk), ec) : socket_.read_some(asio::buffer(chunk), ec);
      if (ec) return std::nullopt;
      buf_.append(chunk, n);
    }
  }
  // Reads and ignores everything until the connection ends: a server that never answers.
  void drain() {
    char chunk[4096];
    error_code ec;
    while (!ec) (void)socket_.read_some(asio::buffer(chunk), ec);
  }
  bool handshake(ssl::context& ctx) {
    tls_ = std::make_unique<ssl::stream<tcp::socket&>>(socket_, ctx);
    error_code ec;
    tls_->handshake(ssl::stream_base::server, ec);
    return !ec;
  }
  SSL* ssl() { return tls_ ? tls_->native_handle() : nullptr; }
  tcp::socket& socket() { return socket_; }

 private:
  tcp::socket& socket_;
  std::unique_ptr<ssl::stream<tcp::socket&>> tls_;
  std::string buf_;
};

// Accepts one connection on 127.0.0.1:0 and runs `handler` on it in a thread. The destructor
// shuts both sockets down, which ends any blocking call of the handler, and joins.
class LoopbackServer {
 public:
  using Handler = std::function<void(ServerConn&)>;

  explicit LoopbackServer(Handler handler) : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    listen_fd_ = acceptor_.native_handle();
    thread_ = std::thread([this, h = std::move(handler)] {
      tcp::socket s(io_);
      error_code ec;
      acceptor_.accept(s, ec);
      if (ec) return;
      conn_fd_ = s.native_handle();
      ServerConn conn(s);
      h(conn);
      s.shutdown(tcp::socket::shutdown_both, ec);
      conn_fd_ = -1;
    });
  }
  ~LoopbackServer() { stop(); }

  // Waits for the handler to end by itself (when the client has closed).
  void join() {
    if (!thread_.joinable()) return;
    ::shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
  }
  // Ends the handler at once: its blocking calls fail.
  void stop() {
    const int fd = conn_fd_.load();
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
    join();
  }

  std::uint16_t port() const { return port_; }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  std::atomic<int> conn_fd_{-1};
  std::thread thread_;
};

}  // namespace sah::net::testing
