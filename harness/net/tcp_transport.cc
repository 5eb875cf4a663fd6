#include "harness/net/tcp_transport.h"

#include <algorithm>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "harness/net/tls_client.h"

namespace sah::net {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

// How long close() waits for the peer's close_notify: it must not make a silent server slow
// down every case, and nothing depends on the answer.
constexpr std::chrono::milliseconds kCloseNotifyWait{100};
// How long the aborted handlers get to run after a cancel (they complete at once in practice).
constexpr std::chrono::milliseconds kDrainWait{1000};

std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// h2spec's normalisation: an orderly end and a reset are both "the peer closed".
bool means_closed(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::connection_aborted || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

int openssl_version(TlsVersion v) {
  switch (v) {
    case TlsVersion::tls1_0: return TLS1_VERSION;
    case TlsVersion::tls1_1: return TLS1_1_VERSION;
    case TlsVersion::tls1_2: return TLS1_2_VERSION;
    case TlsVersion::tls1_3: return TLS1_3_VERSION;
  }
  return TLS1_3_VERSION;
}

// A fatal alert the server sent during the handshake: OpenSSL reports it as a reason code
// offset by SSL_AD_REASON_OFFSET (e.g. "tlsv1 alert protocol version", RFC 8446 §6.2).
bool is_alert_from_peer(const error_code& ec) {
  if (ec.category() != asio::error::get_ssl_category()) return false;
  return ERR_GET_REASON(static_cast<unsigned long>(ec.value())) >= SSL_AD_REASON_OFFSET;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

TcpTransport::TcpTransport(std::shared_ptr<asio::ssl::context> tls, std::string host)
    : socket_(io_), ctx_(std::move(tls)), host_(std::move(host)) {}

TcpTransport::~TcpTransport() { close(); }

void TcpTransport::wait(std::chrono::milliseconds deadline, const bool& done, const std::function<void()>& cancel) {
  io_.restart();
  const auto until = std::chrono::steady_clock::now() + std::max(deadline, std::chrono::milliseconds(0));
  while (!done) {
    if (io_.run_one_until(until) == 0) break;  // deadline reached (or no work left)
  }
  if (done) return;
  cancel();
  io_.restart();
  io_.run_for(kDrainWait);
}

void TcpTransport::cancel_socket() {
  error_code ignored;
  socket_.cancel(ignored);
}

Event TcpTransport::unusable() const {
  if (closed_) return Event::error("the connection was closed by the harness");
  if (!connected_) return Event::error("not connected");
  return Event::error("connection unusable: " + broken_);
}

Event TcpTransport::connect(std::uint16_t port, std::chrono::milliseconds deadline) {
  const auto start = std::chrono::steady_clock::now();
  const std::string where = host_ + ":" + std::to_string(port);

  // The resolver may finish in its own thread after we gave up (getaddrinfo cannot be
  // interrupted), so its result lives on the heap, shared with the handler.
  struct Resolved {
    bool done = false;
    error_code ec;
    tcp::resolver::results_type endpoints;
  };
  auto r = std::make_shared<Resolved>();
  tcp::resolver resolver(io_);
  // An address is used as given; a name goes to the system resolver and nowhere else.
  const auto flags = is_ip_literal(host_) ? tcp::resolver::numeric_host : tcp::resolver::flags();
  resolver.async_resolve(host_, std::to_string(port), flags,
                         [r](const error_code& ec, tcp::resolver::results_type found) {
                           r->done = true;
                           r->ec = ec;
                           r->endpoints = std::move(found);
                         });
  wait(deadline, r->done, [&] { resolver.cancel(); });
  if (!r->done || r->ec == asio::error::operation_aborted) {
    return Event::error("cannot resolve " + host_ + " within " + ms_text(deadline));
  }
  if (r->ec) return Event::error("cannot resolve " + host_ + ": " + r->ec.message());
  const tcp::resolver::results_type endpoints = r->endpoints;

  const auto left = deadline - std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - start);
  bool done = false;
  error_code ec;
  asio::async_connect(socket_, endpoints, [&](const error_code& e, const tcp::endpoint&) {
    done = true;
    ec = e;
  });
  wait(left, done, [this] {
    error_code ignored;
    socket_.close(ignored);  // aborts the connect attempt in progress
  });
  if (!done || ec == asio::error::operation_aborted) {
    return Event::error("cannot connect to " + where + " within " + ms_text(deadline));
  }
  if (ec) return Event::error("cannot connect to " + where + ": " + ec.message());
  error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);  // SMTP lines are small and interactive
  connected_ = true;
  return Event::ok();
}

Event TcpTransport::send(BytesView data, std::chrono::milliseconds deadline) {
  if (peer_closed_ && !closed_) return Event::closed();
  if (closed_ || !connected_ || !broken_.empty()) return unusable();
  bool done = false;
  error_code ec;
  auto on_done = [&](const error_code& e, std::size_t) {
    done = true;
    ec = e;
  };
  if (tls_) asio::async_write(*tls_, asio::buffer(data.data(), data.size()), on_done);
  else asio::async_write(socket_, asio::buffer(data.data(), data.size()), on_done);
  wait(deadline, done, [this] { cancel_socket(); });
  if (!done || ec == asio::error::operation_aborted) {
    // The peer stopped reading. Part of the data may be on its way; a TLS record may be cut,
    // so a TLS connection cannot be used any more.
    if (tls_) broken_ = "a TLS send did not finish within " + ms_text(deadline);
    return Event::timeout();
  }
  if (means_closed(ec)) return Event::closed();
  if (ec) return Event::error("send failed: " + ec.message());
  return Event::ok();
}

Event TcpTransport::receive(std::chrono::milliseconds deadline, std::size_t max_bytes) {
  if (peer_closed_ && !closed_) return Event::closed();
  if (closed_ || !connected_ || !broken_.empty()) return unusable();
  if (max_bytes == 0) return Event::error("receive with max_bytes 0");
  const std::size_t cap = std::min(max_bytes, kMaxChunk);
  buf_.resize(cap);
  bool done = false;
  error_code ec;
  std::size_t n = 0;
  auto on_done = [&](const error_code& e, std::size_t got) {
    done = true;
    ec = e;
    n = got;
  };
  if (tls_) tls_->async_read_some(asio::buffer(buf_.data(), cap), on_done);
  else socket_.async_read_some(asio::buffer(buf_.data(), cap), on_done);
  wait(deadline, done, [this] { cancel_socket(); });
  // A read that completed just as it was cancelled still returns its data.
  if (done && n > 0) return Event::bytes(buf_.substr(0, n));
  if (!done || ec == asio::error::operation_aborted) return Event::timeout();
  if (means_closed(ec)) return Event::closed();
  if (ec) return Event::error("receive failed: " + ec.message());
  return Event::closed();  // zero octets without an error: the peer shut down
}

Event TcpTransport::start_tls(std::chrono::milliseconds deadline) {
  if (closed_ || !connected_ || !broken_.empty()) return unusable();
  if (tls_) return Event::error("TLS is already active");
  if (!ctx_) return Event::error("TLS handshake failed: no TLS context for this target");
  tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *ctx_);
  SSL* ssl = tls_->native_handle();
  if (is_ip_literal(host_)) {
    // RFC 6066 §3: SNI carries host names only, never an address literal.
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host_.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, host_.c_str());
    SSL_set1_host(ssl, host_.c_str());  // checked only when the context verifies
  }
  if (versions_.pinned()) {
    // RFC 8314 §4.1 / RFC 8996 probes (TLS-14): this handshake alone offers the pinned range.
    // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level (SHA-1 signatures), so the
    // level is lowered for this connection when the range reaches below TLS 1.2.
    if (versions_.offers_deprecated()) SSL_set_security_level(ssl, 0);
    if (SSL_set_min_proto_version(ssl, openssl_version(versions_.lowest())) != 1 ||
        SSL_set_max_proto_version(ssl, openssl_version(versions_.highest())) != 1) {
      broken_ = "TLS handshake failed: cannot offer " + std::string(to_string(versions_.lowest())) + " to " +
                std::string(to_string(versions_.highest()));
      return Event::error(broken_);
    }
  }
  bool done = false;
  error_code ec;
  tls_->async_handshake(asio::ssl::stream_base::client, [&](const error_code& e) {
    done = true;
    ec = e;
  });
  wait(deadline, done, [this] { cancel_socket(); });
  if (!done || ec == asio::error::operation_aborted) {
    broken_ = "the TLS handshake did not finish within " + ms_text(deadline);
    return Event::timeout();
  }
  if (ec) {
    std::string why = "TLS handshake failed: ";
    if (means_closed(ec)) why += "the server closed the connection";
    else why += ec.message();
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) why += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
    // A close is its own outcome: after pipelined cleartext it is a server's safe reaction, and
    // later reads report the close rather than an unusable connection. So is a fatal alert, after
    // which the server closes (a refused protocol version, TLS-14).
    if (means_closed(ec) || is_alert_from_peer(ec)) {
      peer_closed_ = true;
      Event closed = Event::closed();
      if (!means_closed(ec)) closed.what = "the server refused the TLS handshake: " + ec.message();
      return closed;
    }
    broken_ = why;
    return Event::error(why);
  }
  tls_active_ = true;
  return Event::ok();
}

sasl::ChannelBinding TcpTransport::channel_binding(std::string_view type) const {
  if (!tls_active_) return {};
  return client_channel_binding(tls_->native_handle(), type);
}

std::string TcpTransport::tls_description() const {
  if (!tls_active_) return {};
  return describe_tls(tls_->native_handle());
}

void TcpTransport::close() {
  if (closed_) return;
  closed_ = true;
  if (tls_active_ && broken_.empty()) {
    // RFC 8446 §6.1: close_notify before closing; the answer is awaited only briefly.
    bool done = false;
    tls_->async_shutdown([&](const error_code&) { done = true; });
    wait(kCloseNotifyWait, done, [this] { cancel_socket(); });
  }
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace sah::net
