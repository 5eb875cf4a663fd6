// A Transport over a real TCP connection, optionally upgraded to TLS. Each transport owns its
// io_context and runs it only inside its own calls, for at most the caller's deadline: every
// operation (resolve, connect, handshake, send, receive) is asynchronous and is cancelled when
// its time is up, so no call can block forever. One thread uses a transport at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "harness/net/tls_mode.h"
#include "harness/net/transport.h"

namespace sah::net {

class TcpTransport final : public Transport, public TlsVersionPinning {
 public:
  // The largest chunk one receive() returns, whatever max_bytes asks: the read buffer never
  // grows beyond it, so a flooding server costs a bounded amount of memory.
  static constexpr std::size_t kMaxChunk = 64 * 1024;

  // `tls` may be null when the connection never uses TLS; `host` is used for SNI and, when
  // the context verifies, for the certificate name check.
  TcpTransport(std::shared_ptr<boost::asio::ssl::context> tls, std::string host);
  ~TcpTransport() override;
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  // Resolves `host` (only that name: no fallbacks) and connects to the first address that
  // answers. Event::ok(), or an error that says what failed.
  Event connect(std::uint16_t port, std::chrono::milliseconds deadline);

  Event send(BytesView data, std::chrono::milliseconds deadline) override;
  Event receive(std::chrono::milliseconds deadline, std::size_t max_bytes) override;
  // A handshake the server ends, by closing or with a fatal alert (e.g. protocol_version for a
  // version it refuses), is Event::closed with the alert in `what`; later reads report closed.
  Event start_tls(std::chrono::milliseconds deadline) override;
  // Below TLS 1.2 the handshake also runs at OpenSSL security level 0 (the SHA-1 signatures
  // and ciphers of TLS 1.0/1.1), for this connection only.
  void pin_tls_versions(const TlsVersionRange& versions) override { versions_ = versions; }
  bool is_tls() const override { return tls_active_; }
  sasl::ChannelBinding channel_binding(std::string_view type) const override;
  std::string tls_description() const override;
  void close() override;

 private:
  // Runs the io_context until `done` or the deadline. At the deadline it calls `cancel` and
  // lets the aborted handlers run, so nothing refers to the caller's stack afterwards.
  void wait(std::chrono::milliseconds deadline, const bool& done, const std::function<void()>& cancel);
  void cancel_socket();
  Event unusable() const;

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::shared_ptr<boost::asio::ssl::context> ctx_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  std::string host_;
  TlsVersionRange versions_;  // offered by the next handshake; default: the context's
  Bytes buf_;
  bool connected_ = false;
  bool tls_active_ = false;
  bool closed_ = false;
  std::string broken_;  // non-empty: why the connection cannot be used any more
  bool peer_closed_ = false;  // the server closed instead of a TLS handshake: reads see `closed`
};

}  // namespace sah::net
