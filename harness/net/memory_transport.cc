#include "harness/net/memory_transport.h"

#include <algorithm>
#include <utility>

namespace sah::net {

sasl::ChannelBinding memory_tls_server_end_point() {
  return {"tls-server-end-point", "sah-memory-tls-server-end-point!"};
}

sasl::ChannelBinding memory_tls_exporter() { return {"tls-exporter", "sah-memory-tls-exporter-32-bytes"}; }

MemoryTransport::MemoryTransport(std::shared_ptr<MemoryServer> server)
    : server_(std::move(server)), session_(server_->config, server_->random) {}

TlsVersion memory_tls_lowest_version(const server::Config& config) {
  return config.faults.count("tls-accepts-old-versions") != 0 ? TlsVersion::tls1_0 : TlsVersion::tls1_2;
}

std::string memory_tls_description(TlsVersion negotiated) {
  if (negotiated == TlsVersion::tls1_3) return std::string(kMemoryTlsDescription);
  return std::string(to_string(negotiated)) + " (in-process, simulated)";
}

Event MemoryTransport::open(TlsMode mode) {
  if (mode == TlsMode::implicit && server_->config.faults.count("implicit-tls-cleartext-greeting") != 0) {
    // The server writes its 220 in cleartext; the client's handshake reads it as a TLS record
    // header and fails, as OpenSSL does ("wrong version number"). RFC 8314 §3.3 (TLS-10).
    session_.start();
    pump();
    broken_ = "TLS handshake failed: cleartext data arrived instead of the server's handshake (\"" +
              unread_.substr(unread_pos_, std::min<std::size_t>(unread_.size() - unread_pos_, 3)) + "…\")";
    return Event::error(broken_);
  }
  if (mode == TlsMode::implicit) {
    Event refused = negotiate();
    if (!refused.is_ok()) return refused;
    // Session::start(): for implicit TLS, tls_established comes before the greeting.
    session_.tls_established(memory_tls_server_end_point(), memory_tls_exporter());
    tls_ = true;
  }
  session_.start();
  pump();
  return Event::ok();
}

Event MemoryTransport::negotiate() {
  const TlsVersion server_lowest = memory_tls_lowest_version(server_->config);
  const TlsVersion highest = versions_.highest();  // the server speaks up to TLS 1.3
  if (highest < server_lowest || highest < versions_.lowest()) {
    // RFC 8446 §4.2.1 / RFC 5246 App. E: no common version, a protocol_version alert; the
    // server then closes the connection.
    server_gone_ = true;
    tls_requested_ = false;
    Event closed = Event::closed();
    closed.what = "the server refused the TLS handshake: protocol_version alert (offered " +
                  std::string(to_string(versions_.lowest())) + " to " + std::string(to_string(highest)) +
                  ", the server needs " + std::string(to_string(server_lowest)) + " or newer)";
    return closed;
  }
  negotiated_ = highest;
  return Event::ok();
}

void MemoryTransport::pump() {
  Bytes out = session_.take_output();
  if (!out.empty()) {
    if (unread_pos_ > 0 && unread_pos_ >= unread_.size() / 2) {
      unread_.erase(0, unread_pos_);
      unread_pos_ = 0;
    }
    unread_ += out;
  }
  // Like the acceptor, the output is flushed first and the action taken after it.
  switch (session_.action()) {
    case server::Action::none: return;
    case server::Action::start_tls: tls_requested_ = true; return;
    case server::Action::close: server_gone_ = true; return;
    case server::Action::crash:
      // The process dies: this connection ends and nobody answers on the port any more.
      server_gone_ = true;
      server_->crashed = true;
      return;
    case server::Action::hang: hung_ = true; return;
  }
}

Event MemoryTransport::send(BytesView data, std::chrono::milliseconds /*deadline*/) {
  if (client_closed_) return Event::error("the connection was closed by the harness");
  if (!broken_.empty()) return Event::error("connection unusable: " + broken_);
  if (server_gone_) return Event::closed();
  if (hung_) return Event::ok();  // a hung server still accepts octets into its socket buffer
  // The server blocks writing to a client that does not read, and so stops reading itself.
  if (unread_.size() - unread_pos_ > kMaxUnread) return Event::timeout();
  silent_for_ = std::chrono::milliseconds(0);
  session_.receive(data);
  pump();
  return Event::ok();
}

Event MemoryTransport::receive(std::chrono::milliseconds /*deadline*/, std::size_t max_bytes) {
  if (client_closed_) return Event::error("the connection was closed by the harness");
  if (!broken_.empty()) return Event::error("connection unusable: " + broken_);
  if (max_bytes == 0) return Event::error("receive with max_bytes 0");
  if (unread_pos_ < unread_.size()) {
    const std::size_t n = std::min(max_bytes, unread_.size() - unread_pos_);
    Bytes chunk = unread_.substr(unread_pos_, n);
    unread_pos_ += n;
    if (unread_pos_ == unread_.size()) {
      unread_.clear();
      unread_pos_ = 0;
    }
    return Event::bytes(std::move(chunk));
  }
  if (server_gone_) return Event::closed();
  // Virtual time: the server has nothing to say, so the deadline has passed.
  return Event::timeout();
}

Event MemoryTransport::start_tls(std::chrono::milliseconds /*deadline*/) {
  if (client_closed_) return Event::error("the connection was closed by the harness");
  if (!broken_.empty()) return Event::error("connection unusable: " + broken_);
  if (tls_) return Event::error("TLS is already active");
  if (server_gone_ && !tls_requested_) {
    // Not broken: later reads see the close itself (a server that hung up is no error).
    return Event::closed();
  }
  if (hung_) {
    broken_ = "the TLS handshake did not finish";
    return Event::timeout();
  }
  if (!tls_requested_) {
    // A real ClientHello would reach a server that reads SMTP commands: the handshake fails.
    broken_ = "TLS handshake failed: the server did not start TLS";
    return Event::error(broken_);
  }
  if (unread_pos_ < unread_.size()) {
    // Cleartext the client has not read (RFC 3207 §4: nothing may follow the 220) would be
    // taken for a TLS record by a real handshake, which then fails.
    broken_ = "TLS handshake failed: cleartext data arrived after the 220 reply";
    return Event::error(broken_);
  }
  if (Event refused = negotiate(); !refused.is_ok()) return refused;
  tls_requested_ = false;
  tls_ = true;
  session_.tls_established(memory_tls_server_end_point(), memory_tls_exporter());
  pump();
  return Event::ok();
}

sasl::ChannelBinding MemoryTransport::channel_binding(std::string_view type) const {
  if (!tls_) return {};
  if (type == "tls-server-end-point") return memory_tls_server_end_point();
  if (type == "tls-exporter") return memory_tls_exporter();
  return {};
}

std::string MemoryTransport::tls_description() const {
  return tls_ ? memory_tls_description(negotiated_) : std::string();
}

void MemoryTransport::close() {
  if (client_closed_) return;
  client_closed_ = true;
  if (server_gone_ || hung_) return;  // nobody left to notice, or a hung server never reads again
  session_.connection_lost();
  // Discards the output (nobody reads it) but latches a crash a fault may ask for here.
  pump();
}

void MemoryTransport::idle(std::chrono::milliseconds elapsed) {
  if (client_closed_ || server_gone_ || hung_ || !broken_.empty()) return;
  silent_for_ += elapsed;
  if (silent_for_ < session_.idle_limit()) return;
  silent_for_ = std::chrono::milliseconds(0);
  // RFC 5321 §4.5.3.2.7: the server's idle timer ran out (the acceptor's on_read path).
  session_.idle_timeout();
  pump();
}

MemoryConnector::MemoryConnector(server::Config config, std::uint64_t seed)
    : server_(std::make_shared<MemoryServer>(std::move(config), seed)) {}

TlsMode MemoryConnector::tls_mode() const {
  if (server_->config.implicit_tls) return TlsMode::implicit;
  if (server_->config.tls_available) return TlsMode::starttls;
  return TlsMode::none;
}

std::unique_ptr<Transport> MemoryConnector::connect(std::chrono::milliseconds /*deadline*/, Event& error) {
  if (server_->crashed) {
    error = Event::error("connection refused (server crashed)");
    return nullptr;
  }
  ++server_->connections;
  auto t = std::make_unique<MemoryTransport>(server_);
  if (Event e = t->open(tls_mode()); !e.is_ok()) {
    error = std::move(e);
    return nullptr;
  }
  return t;
}

std::string MemoryConnector::describe() const {
  const TlsMode m = tls_mode();
  std::string s = "in-process server";
  if (m != TlsMode::none) s += " (" + std::string(to_string(m)) + ")";
  return s;
}

}  // namespace sah::net
