// The built-in reference server on a real socket: a Boost.Asio TCP acceptor whose connections
// each own one sah::server::Session and do nothing but I/O around it (read a bounded chunk,
// feed it, write what the session produced, act on its Action). Every handshake, read and
// write has a deadline, so neither a silent nor a slow client holds a connection forever.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "harness/base/result.h"
#include "harness/server/config.h"
#include "harness/server/tls_context.h"

namespace sah::server {

struct AcceptorOptions {
  std::string host = "127.0.0.1";   // an address or a name that resolves to one
  std::uint16_t port = 0;           // 0: the system picks a free port (see Acceptor::port())
  unsigned threads = 0;             // threads running the io_context; 0: hardware threads
  std::size_t max_connections = 10000;  // beyond it a new connection gets 421 and is closed
  std::chrono::milliseconds handshake_timeout{10000};  // TLS handshake (STARTTLS or implicit)
  // A write that cannot finish in this time (the peer stopped reading) closes the connection.
  std::chrono::milliseconds write_timeout{30000};
  // The idle timeout comes from Config::limits.idle_timeout; this overrides it when non-zero
  // (tests use milliseconds, the config counts seconds).
  std::chrono::milliseconds idle_timeout_override{0};
  // What a crash fault does. false (serve): abort the process, a real crash. true (a server
  // hosted inside the harness, which must survive it): stop serving at once — the listening
  // socket closed, every connection dropped without a word — which is all a client can see of
  // a crash; stop() then cleans up as usual.
  bool crash_stops_serving = false;
};

class Acceptor {
 public:
  // `tls` may be null: then STARTTLS is not advertised (Config::tls_available is forced to
  // match whether a context exists) and implicit TLS cannot start.
  Acceptor(Config config, std::shared_ptr<TlsContext> tls, AcceptorOptions options = {});
  ~Acceptor();  // stop()
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  // Binds, listens and starts the threads. Returns the bound port, or why it could not.
  Result<std::uint16_t, std::string> start();
  // Closes the acceptor and every connection, then joins the threads. Idempotent; must not be
  // called from one of the acceptor's own threads.
  void stop();

  std::uint16_t port() const;
  std::string bound_address() const;  // "127.0.0.1:2525"
  std::size_t active_connections() const;
  std::size_t accepted_connections() const;  // since start()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sah::server
