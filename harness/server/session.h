// The built-in reference server's SMTP session: a pure state machine (after nghttp2's
// mem_recv / mem_send). Bytes from the client go in, bytes for the client come out, and
// the I/O around it (Asio acceptor, in-memory transport, fuzzer) acts on the Action.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "harness/base/bytes.h"
#include "harness/base/random.h"
#include "harness/sasl/mechanism.h"
#include "harness/server/config.h"

namespace sah::server {

// What the I/O layer must do after flushing the output it has taken.
enum class Action {
  none,       // keep reading
  start_tls,  // run the server-side TLS handshake, then call tls_established()
  close,      // close the connection (after QUIT's 221, a 421, or a limit)
  crash,      // a fault switch asks the process to die now (the acceptor calls std::abort)
  hang,       // a fault switch asks to stop answering on this connection, forever
};

// Fault idle-timeout-short: the idle timeout in the middle of an AUTH exchange (LIM-04 asks
// for at least 60 s there; RFC 5321 §4.5.3.2.7 for 5 minutes).
inline constexpr std::chrono::milliseconds kShortIdleTimeout{30000};
// Fault abandoned-exchange-leak: abandoned exchanges the server survives before AUTH degrades.
inline constexpr unsigned kLeakedExchangesTolerated = 8;

class Session {
 public:
  // `config` and `random` must outlive the session.
  Session(const Config& config, Random& random);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The greeting; call once when the connection opens (after the TLS handshake for
  // implicit TLS, having called tls_established first).
  void start();
  // Bytes from the client. Anything may arrive in any chunking; output accumulates.
  void receive(BytesView in);
  // Bytes to send to the client (taken: the buffer is emptied).
  Bytes take_output();
  // The pending action; reading it clears it only for start_tls (which happens once).
  Action action() const;
  // The TLS handshake finished: RFC 3207 §4.2 state reset, binding for SCRAM-PLUS.
  // `client_identity` is the verified client certificate's identity for EXTERNAL, if any.
  void tls_established(sasl::ChannelBinding tls_server_end_point, sasl::ChannelBinding tls_exporter,
                       std::string client_identity = {});
  // How long the session waits for the client's next octets, in its current state, before the
  // I/O layer calls idle_timeout(): Limits::idle_timeout (RFC 5321 §4.5.3.2.7). The fault
  // idle-timeout-short gives up after kShortIdleTimeout while an AUTH exchange waits (LIM-04).
  std::chrono::milliseconds idle_limit() const;
  // The idle timer ran out: queue "421 4.4.2 … timeout" and close (under idle-timeout-short,
  // in an AUTH exchange: close without a word).
  void idle_timeout();
  // The client closed the connection or it broke (EOF, reset): RFC 5321 §4.1.1.5 has the server
  // treat it like QUIT, an open exchange or transaction is abandoned and nothing is sent
  // (LIM-06). Afterwards action() is close. The I/O layer calls it (the acceptor on EOF or a
  // broken socket); the fault abandoned-exchange-leak counts an exchange abandoned this way in
  // Config::process and refuses AUTH with 454 4.7.0 once kLeakedExchangesTolerated are lost.
  void connection_lost();

  // Observers, for tests and the acceptor.
  bool tls_active() const;
  bool authenticated() const;
  std::string authorized_identity() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sah::server
