// The interpreter's side of one connection: sends through a RecordingTransport (so everything
// lands, masked, in the case's transcript) and reads whole replies through the incremental
// reply parser, each read bounded in time (a deadline) and in size (the parser's limits).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "harness/base/bytes.h"
#include "harness/net/recording_transport.h"
#include "harness/net/tls_mode.h"
#include "harness/net/transcript.h"
#include "harness/net/transport.h"
#include "harness/scenario/judge.h"
#include "harness/smtp/reply_parser.h"

namespace sah::scenario {

class Connection {
 public:
  using Millis = std::chrono::milliseconds;
  // Octets asked for per receive: a few replies' worth; the parser bounds the total.
  static constexpr std::size_t kChunk = 4096;

  explicit Connection(net::Transcript& transcript) : transcript_(transcript) {}

  // Opens a new connection (closing any open one). False with `error` set when the connector
  // could not connect. A server that accepted the connection but failed the implicit TLS
  // handshake (net::is_tls_handshake_failure) is reached: the connection opens, every read
  // reports the failure (closed when the server ended the handshake, else a network error) and
  // failed_handshake() says what happened (RFC 8314 §3.3, TLS-10).
  bool open(net::Connector& connector, Millis deadline, std::string& error);
  // The implicit handshake's failure at open(): closed, timeout or error with the reason.
  const std::optional<net::Event>& failed_handshake() const { return failed_handshake_; }
  bool is_open() const { return transport_ != nullptr; }
  void close();
  // The client stays silent for `elapsed` (Transport::idle: virtual time reaches the server).
  void idle(Millis elapsed) {
    if (transport_) transport_->idle(elapsed);
  }

  // nullopt when sent; else what stopped it (closed, timeout, network error).
  std::optional<Observation> send(BytesView data, Millis deadline, BytesView decoded = {});
  // The next complete reply, or what came instead, within `deadline`.
  Observation read_reply(Millis deadline);
  // Whether octets beyond the replies taken so far have arrived (a queued reply or part of one).
  bool has_unread();
  // Waits up to `deadline` for anything more: timeout when nothing came, else the data (fed to
  // the parser), closed or error event.
  net::Event expect_nothing(Millis deadline);
  // Reads until the server closes: nullopt when it did; else timeout (still open) or error.
  std::optional<Observation> wait_closed(Millis deadline, std::size_t max_octets);

  // STARTTLS handshake; ok, or why it failed. The parser restarts (RFC 3207 §4.2). A pinned
  // `versions` range applies to this handshake only; a server that refuses it (alert or close)
  // gives Event::closed, with the alert in `what`.
  net::Event start_tls(Millis deadline, const net::TlsVersionRange& versions = {});
  // Whether start_tls can pin versions on this connection (the TCP and in-process transports).
  bool can_pin_tls_versions() const { return pinning_ != nullptr; }
  bool is_tls() const { return transport_ && transport_->is_tls(); }
  std::string tls_description() const { return transport_ ? transport_->tls_description() : std::string(); }
  // A reply read on this connection, 334 challenges aside (RFC 4954 §4 lets them be as long as
  // the mechanism needs), had a line over 512 octets with its CRLF (RFC 5321 §4.5.3.1.5, RPL-05).
  bool long_reply_line_seen() const { return long_reply_line_; }
  sasl::ChannelBinding channel_binding(std::string_view type) const;

 private:
  net::Transcript& transcript_;
  std::unique_ptr<net::RecordingTransport> transport_;
  net::TlsVersionPinning* pinning_ = nullptr;  // the transport inside transport_, when it can pin
  std::optional<net::Event> failed_handshake_;
  smtp::ReplyParser parser_;
  std::optional<smtp::Reply> held_;  // taken from the parser by has_unread(), not yet read
  bool long_reply_line_ = false;
  bool peer_closed_ = false;  // the server closed: later reads report that at once, not a timeout
  Observation noted(smtp::Reply r);
};

}  // namespace sah::scenario
