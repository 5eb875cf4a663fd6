// Conversations for the fault rows whose switch lives in the acceptor's I/O half (implicit TLS,
// TLS versions), not in the session: the row's config runs a real Acceptor on a loopback port
// and a bare Asio client reports what it saw, as text the row's regexes match.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <openssl/ssl.h>

#include "harness/server/acceptor.h"
#include "harness/server/config.h"
#include "harness/server/tls_context.h"

namespace sah::server::tls_drives {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// Runs `io` until `done` or the deadline; then cancels the socket and lets the handlers finish.
template <class Done>
void run_until(asio::io_context& io, tcp::socket& socket, std::chrono::milliseconds deadline, const Done& done) {
  io.restart();
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done() && io.run_one_until(until) > 0) {
  }
  if (done()) return;
  error_code ignored;
  socket.cancel(ignored);
  io.restart();
  io.run_for(std::chrono::milliseconds(500));
}

// A server on 127.0.0.1 with `config` (its own self-signed certificate); nullopt if it cannot
// start, which the caller reports.
inline std::unique_ptr<Acceptor> start_server(const Config& config) {
  auto tls = TlsContext::self_signed("localhost");
  if (!tls.ok()) return nullptr;
  AcceptorOptions o;
  o.threads = 1;
  o.handshake_timeout = std::chrono::milliseconds(2000);
  auto server = std::make_unique<Acceptor>(config, tls.value(), o);
  if (!server->start().ok()) return nullptr;
  return server;
}

// A server started with `config` and a client socket connected to it; `failure` says which of
// the two did not happen. (Members in this order: the socket closes before the server stops.)
struct Connected {
  std::unique_ptr<Acceptor> server;
  asio::io_context io;
  tcp::socket socket{io};
  std::string failure;
};
inline bool connect_to(const Config& config, Connected& c) {
  c.server = start_server(config);
  if (!c.server) {
    c.failure = "server did not start";
    return false;
  }
  error_code ec;
  c.socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), c.server->port()), ec);
  if (ec) c.failure = "connect failed";
  return !ec;
}

// Implicit TLS: what arrives before the client's ClientHello ("cleartext: (nothing)" from a
// correct server, which waits for the handshake), then "|TLS|" and the greeting inside TLS, or
// "|no TLS|" when the handshake fails.
inline std::string implicit_greeting(const Config& config) {
  Connected c;
  if (!connect_to(config, c)) return c.failure;
  asio::io_context& io = c.io;
  tcp::socket& socket = c.socket;
  std::string out = "cleartext: ";
  char buf[512];
  std::optional<std::size_t> got;
  socket.async_read_some(asio::buffer(buf), [&](const error_code& e, std::size_t n) { got = e ? 0 : n; });
  run_until(io, socket, std::chrono::milliseconds(300), [&] { return got.has_value(); });
  out += got && *got > 0 ? std::string(buf, *got) : std::string("(nothing)");
  if (got && *got > 0) return out + "|no TLS|";  // a client now holds garbage instead of a ServerHello
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);
  ssl::stream<tcp::socket&> tls(socket, ctx);
  std::optional<error_code> shaken;
  tls.async_handshake(ssl::stream_base::client, [&](const error_code& e) { shaken = e; });
  run_until(io, socket, std::chrono::milliseconds(3000), [&] { return shaken.has_value(); });
  if (!shaken || *shaken) return out + "|no TLS|";
  got.reset();
  tls.async_read_some(asio::buffer(buf), [&](const error_code& e, std::size_t n) { got = e ? 0 : n; });
  run_until(io, socket, std::chrono::milliseconds(3000), [&] { return got.has_value(); });
  return out + "|TLS|" + (got ? std::string(buf, *got) : std::string());
}

// Implicit TLS with a client that offers only TLS 1.0 to 1.1 (security level 0 for it):
// "accepted TLSv1.1" (or TLSv1) or "refused: <OpenSSL's reason>".
inline std::string old_version_handshake(const Config& config) {
  Connected c;
  if (!connect_to(config, c)) return c.failure;
  asio::io_context& io = c.io;
  tcp::socket& socket = c.socket;
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);
  ssl::stream<tcp::socket&> tls(socket, ctx);
  SSL* h = tls.native_handle();
  SSL_set_security_level(h, 0);
  SSL_set_min_proto_version(h, TLS1_VERSION);
  SSL_set_max_proto_version(h, TLS1_1_VERSION);
  std::optional<error_code> shaken;
  tls.async_handshake(ssl::stream_base::client, [&](const error_code& e) { shaken = e; });
  run_until(io, socket, std::chrono::milliseconds(3000), [&] { return shaken.has_value(); });
  if (!shaken) return "refused: no answer";
  if (*shaken) return "refused: " + shaken->message();
  return std::string("accepted ") + SSL_get_version(h);
}

}  // namespace sah::server::tls_drives
