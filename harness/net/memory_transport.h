// An in-process target: the built-in server's pure Session behind the Transport interface, with
// no sockets, no threads and no waiting. Time is virtual: when the server has nothing to say,
// receive() reports Event::timeout() at once instead of sleeping through the deadline.
//
// The connector plays the server process: it owns the Config and one SeededRandom shared by
// every connection (so a run is reproducible from its seed), and it remembers a crash: after a
// session asks to crash, every later connect() fails as a dead server's port would.
//
// Session actions, taken after the output that came with them (as the acceptor flushes first):
//   start_tls  the client's start_tls() succeeds, with the fixed bindings below
//   close      receive() gives the rest of the output, then Event::closed
//   hang       receive() gives the rest of the output, then Event::timeout forever
//   crash      like close, and the connector refuses every later connect()
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "harness/base/random.h"
#include "harness/net/tls_mode.h"
#include "harness/net/transport.h"
#include "harness/server/config.h"
#include "harness/server/session.h"

namespace sah::net {

// The fake TLS session's channel bindings, the same on both ends so that -PLUS mechanisms
// work in-process: 32 fixed ASCII octets each (the length of a SHA-256 end-point hash and of
// an RFC 9266 exporter value), chosen to be recognisable in a hex dump.
sasl::ChannelBinding memory_tls_server_end_point();  // "sah-memory-tls-server-end-point!"
sasl::ChannelBinding memory_tls_exporter();          // "sah-memory-tls-exporter-32-bytes"
inline constexpr std::string_view kMemoryTlsDescription = "TLSv1.3 (in-process, simulated)";
// The protocol versions of the simulated server: TLS 1.2 and 1.3 (RFC 8996), or from TLS 1.0
// under the fault `tls-accepts-old-versions`. A handshake takes the highest version both sides offer;
// with none in common the server refuses it (a protocol_version alert, then a close).
TlsVersion memory_tls_lowest_version(const server::Config& config);
// "TLSv1.1 (in-process, simulated)"; kMemoryTlsDescription for TLS 1.3.
std::string memory_tls_description(TlsVersion negotiated);

// The port the simulated server says it listens on when the config names none (OAUTHBEARER
// compares port= with it, OB-07): submission, or submissions with implicit TLS (RFC 8314 §3.3).
inline constexpr unsigned kMemorySubmissionPort = 587;
inline constexpr unsigned kMemoryImplicitTlsPort = 465;

// The state of the simulated server process, shared by the connector and its transports.
struct MemoryServer {
  MemoryServer(server::Config c, std::uint64_t seed) : config(std::move(c)), random(seed) {
    if (config.port == 0) config.port = config.implicit_tls ? kMemoryImplicitTlsPort : kMemorySubmissionPort;
  }
  server::Config config;
  SeededRandom random;
  bool crashed = false;
  std::size_t connections = 0;
};

class MemoryTransport final : public Transport, public TlsVersionPinning {
 public:
  // Output the client has not read beyond this makes send() report a timeout, as a real
  // socket would once the server blocks writing to a client that does not read.
  static constexpr std::size_t kMaxUnread = 1024 * 1024;

  explicit MemoryTransport(std::shared_ptr<MemoryServer> server);
  // Opens the session: implicit TLS is established first, then the greeting is queued.
  // Event::ok(), or the failed implicit handshake (the fault implicit-tls-cleartext-greeting:
  // the greeting comes in cleartext, where a client waits for the server's TLS handshake).
  Event open(TlsMode mode);

  Event send(BytesView data, std::chrono::milliseconds deadline) override;
  Event receive(std::chrono::milliseconds deadline, std::size_t max_bytes) override;
  Event start_tls(std::chrono::milliseconds deadline) override;
  bool is_tls() const override { return tls_; }
  sasl::ChannelBinding channel_binding(std::string_view type) const override;
  std::string tls_description() const override;
  void pin_tls_versions(const TlsVersionRange& versions) override { versions_ = versions; }
  // Tells the session the connection is gone (RFC 5321 §4.1.1.5: like QUIT), as the acceptor
  // does on EOF, so that the server side of an abandoned exchange runs in-process (LIM-06).
  void close() override;
  // Virtual time: the client has been silent `elapsed` more; once the silence since its last
  // octets reaches the session's idle_limit(), the session's idle timeout fires, as the
  // acceptor's timer would (LIM-04).
  void idle(std::chrono::milliseconds elapsed) override;

  // Observers for tests.
  const server::Session& session() const { return session_; }
  bool server_closed() const { return server_gone_; }
  bool server_hung() const { return hung_; }

 private:
  // Takes the session's output and latches its action (the I/O half of the acceptor).
  void pump();
  // The version this handshake gets (negotiated_), or the server's refusal: Event::closed,
  // with the connection closed by the server.
  Event negotiate();

  std::shared_ptr<MemoryServer> server_;
  server::Session session_;
  Bytes unread_;             // server output not yet received; read from unread_pos_
  std::size_t unread_pos_ = 0;
  bool tls_ = false;
  bool tls_requested_ = false;  // the session answered STARTTLS and waits for the handshake
  bool server_gone_ = false;    // closed by the server (close or crash)
  bool hung_ = false;
  bool client_closed_ = false;
  std::chrono::milliseconds silent_for_{0};  // virtual time since the client's last octets
  std::string broken_;          // non-empty: a failed handshake made the connection unusable
  TlsVersionRange versions_;    // what the client's next handshake offers
  TlsVersion negotiated_ = TlsVersion::tls1_3;
};

class MemoryConnector final : public Connector {
 public:
  // The TLS mode follows the config, as with the real acceptor: implicit_tls gives implicit
  // TLS, tls_available STARTTLS, else none. `seed` seeds the server's randomness.
  explicit MemoryConnector(server::Config config, std::uint64_t seed = 1);

  std::unique_ptr<Transport> connect(std::chrono::milliseconds deadline, Event& error) override;
  std::string describe() const override;

  TlsMode tls_mode() const;
  bool crashed() const { return server_->crashed; }
  std::size_t connections() const { return server_->connections; }
  const server::Config& config() const { return server_->config; }

 private:
  std::shared_ptr<MemoryServer> server_;
};

}  // namespace sah::net
