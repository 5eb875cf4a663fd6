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

void MemoryTransport::open(TlsMode mode) {
  if (mode == TlsMode::implicit) {
    // Session::start(): for implicit TLS, tls_established comes before the greeting.
    session_.tls_established(memory_tls_server_end_point(), memory_tls_exporter());
    tls_ = true;
  }
  session_.start();
  pump();
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
  return tls_ ? std::string(kMemoryTlsDescription) : std::string();
}

void MemoryTransport::close() { client_closed_ = true; }

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
  t->open(tls_mode());
  return t;
}

std::string MemoryConnector::describe() const {
  const TlsMode m = tls_mode();
  std::string s = "in-process server";
  if (m != TlsMode::none) s += " (" + std::string(to_string(m)) + ")";
  return s;
}

}  // namespace sah::net
