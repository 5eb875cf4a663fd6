// A connection to the server under test, as the scenario interpreter sees it.
//
// Every failure is normalised into an Event (after h2spec): the verdict logic compares
// events, never errno values. Every receive is bounded in time and in size, so a hostile or
// broken server can neither hang nor exhaust the harness.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "harness/base/bytes.h"
#include "harness/sasl/mechanism.h"

namespace sah::net {

struct Event {
  enum class Kind { data, closed, timeout, error };
  Kind kind = Kind::error;
  Bytes data;        // kind == data: what arrived (at most max_bytes)
  std::string what;  // kind == error: what went wrong, for the report

  static Event bytes(Bytes b) { return {Kind::data, std::move(b), {}}; }
  static Event closed() { return {Kind::closed, {}, {}}; }
  static Event timeout() { return {Kind::timeout, {}, {}}; }
  static Event error(std::string w) { return {Kind::error, {}, std::move(w)}; }
  // What send() and start_tls() return when they succeed: kind data with no bytes.
  static Event ok() { return {Kind::data, {}, {}}; }
  bool is_ok() const { return kind == Kind::data; }
};

std::string_view to_string(Event::Kind k);

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends all of `data` and returns Event::ok(); an error, a closed peer or a peer that
  // stopped reading (deadline) becomes the matching Event.
  virtual Event send(BytesView data, std::chrono::milliseconds deadline) = 0;
  // Waits up to `deadline` for at least one byte; returns at most `max_bytes`.
  virtual Event receive(std::chrono::milliseconds deadline, std::size_t max_bytes) = 0;
  // Client-side TLS handshake on the open connection (after "220" to STARTTLS); Event::ok()
  // when it succeeded. A failed handshake leaves the connection unusable.
  virtual Event start_tls(std::chrono::milliseconds deadline) = 0;
  virtual bool is_tls() const = 0;
  // Channel binding of the current TLS connection ("tls-server-end-point" or "tls-exporter").
  virtual sasl::ChannelBinding channel_binding(std::string_view type) const = 0;
  // A human-readable description of the TLS session (protocol, cipher), empty in cleartext.
  virtual std::string tls_description() const = 0;
  virtual void close() = 0;
  // The client stays silent for `elapsed` (a scenario's `wait`). A real connection needs nothing:
  // the time really passes and the server's idle timer sees it. Transports with virtual time
  // (MemoryTransport) pass it on to the server, whose idle timeout may then fire (LIM-04).
  virtual void idle(std::chrono::milliseconds /*elapsed*/) {}
};

// Opens new connections to one target: the interpreter opens one per case and more for
// liveness probes and cross-connection checks.
class Connector {
 public:
  virtual ~Connector() = default;
  // On failure returns nullptr and fills `error` (refused, unreachable, handshake failed).
  virtual std::unique_ptr<Transport> connect(std::chrono::milliseconds deadline, Event& error) = 0;
  // "127.0.0.1:2525 (starttls)", for reports.
  virtual std::string describe() const = 0;
};

}  // namespace sah::net
