#include "harness/scenario/connection.h"

#include <utility>

namespace sah::scenario {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds remaining(Clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
  return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

Observation from_event(const net::Event& e) {
  switch (e.kind) {
    case net::Event::Kind::closed: return Observation::closed();
    case net::Event::Kind::timeout: return Observation::timeout();
    case net::Event::Kind::error: return Observation::network_error(e.what);
    case net::Event::Kind::data: break;
  }
  return Observation::network_error("unexpected data event");
}

// A connection whose implicit TLS handshake failed after the server accepted it: nothing can be
// sent or read any more, and every operation reports how the handshake ended.
class FailedHandshake final : public net::Transport {
 public:
  explicit FailedHandshake(net::Event why) : why_(std::move(why)) {}
  net::Event send(BytesView, std::chrono::milliseconds) override { return why_; }
  net::Event receive(std::chrono::milliseconds, std::size_t) override { return why_; }
  net::Event start_tls(std::chrono::milliseconds) override { return why_; }
  bool is_tls() const override { return false; }
  sasl::ChannelBinding channel_binding(std::string_view) const override { return {}; }
  std::string tls_description() const override { return {}; }
  void close() override {}

 private:
  net::Event why_;
};

std::string parser_failure(const smtp::ReplyParser& p) {
  const auto& f = *p.error();
  return std::string(smtp::to_string(f.kind)) + " at octet " + std::to_string(f.offset);
}

}  // namespace

bool Connection::open(net::Connector& connector, Millis deadline, std::string& error) {
  close();
  peer_closed_ = false;
  failed_handshake_.reset();
  net::Event e;
  std::unique_ptr<net::Transport> t = connector.connect(deadline, e);
  if (!t && (e.kind == net::Event::Kind::closed ||
             (e.kind == net::Event::Kind::error && net::is_tls_handshake_failure(e.what)))) {
    // Reached, but no usable TLS: a finding about the server, not a set-up error.
    const std::string why = e.kind == net::Event::Kind::closed
                                ? "TLS handshake failed: the server ended it" + (e.what.empty() ? "" : " (" + e.what + ")")
                                : e.what;
    transcript_.error("implicit TLS with " + connector.describe() + ": " + why);
    failed_handshake_ = e;
    t = std::make_unique<FailedHandshake>(e.kind == net::Event::Kind::closed ? net::Event::closed() : e);
  }
  if (!t) {
    error = e.what.empty() ? std::string(net::to_string(e.kind)) : e.what;
    transcript_.error("cannot connect to " + connector.describe() + ": " + error);
    return false;
  }
  pinning_ = dynamic_cast<net::TlsVersionPinning*>(t.get());
  if (t->is_tls()) transcript_.tls("TLS established (implicit): " + t->tls_description());
  transport_ = std::make_unique<net::RecordingTransport>(std::move(t), transcript_);
  parser_.reset();
  held_.reset();
  long_reply_line_ = false;
  return true;
}

void Connection::close() {
  if (transport_) transport_->close();
  transport_.reset();
  pinning_ = nullptr;
  parser_.reset();
  held_.reset();
}

std::optional<Observation> Connection::send(BytesView data, Millis deadline, BytesView decoded) {
  if (!transport_) return Observation::network_error("no open connection");
  net::Event e = transport_->send_decoded(data, decoded, deadline);
  if (e.is_ok()) return std::nullopt;
  return from_event(e);
}

Observation Connection::read_reply(Millis deadline) {
  const Clock::time_point until = Clock::now() + deadline;
  if (held_) {
    smtp::Reply r = std::move(*held_);
    held_.reset();
    return noted(std::move(r));
  }
  for (;;) {
    if (auto r = parser_.next()) return noted(std::move(*r));
    if (parser_.failed()) return Observation::malformed_reply(parser_failure(parser_));
    if (!transport_) return Observation::network_error("no open connection");
    if (peer_closed_) return Observation::closed();
    net::Event e = transport_->receive(remaining(until), kChunk);
    if (e.kind == net::Event::Kind::closed) peer_closed_ = true;
    if (e.kind != net::Event::Kind::data) return from_event(e);
    parser_.feed(e.data);
  }
}

Observation Connection::noted(smtp::Reply r) {
  if (r.code != 334 && r.leniency.has(smtp::Leniency::line_over_512)) long_reply_line_ = true;
  return Observation::of(std::move(r));
}

bool Connection::has_unread() {
  if (held_) return true;
  held_ = parser_.next();
  return held_.has_value() || parser_.pending_bytes() > 0 || parser_.failed();
}

net::Event Connection::expect_nothing(Millis deadline) {
  if (!transport_) return net::Event::error("no open connection");
  net::Event e = transport_->receive(deadline, kChunk);
  if (e.kind == net::Event::Kind::data) parser_.feed(e.data);
  return e;
}

std::optional<Observation> Connection::wait_closed(Millis deadline, std::size_t max_octets) {
  if (!transport_) return std::nullopt;
  const Clock::time_point until = Clock::now() + deadline;
  std::size_t seen = 0;
  for (;;) {
    net::Event e = transport_->receive(remaining(until), kChunk);
    switch (e.kind) {
      case net::Event::Kind::closed: return std::nullopt;
      case net::Event::Kind::timeout: return Observation::timeout();
      case net::Event::Kind::error: return Observation::network_error(e.what);
      case net::Event::Kind::data:
        parser_.feed(e.data);
        seen += e.data.size();
        if (seen > max_octets) return Observation::timeout();
        break;
    }
  }
}

net::Event Connection::start_tls(Millis deadline, const net::TlsVersionRange& versions) {
  if (!transport_) return net::Event::error("no open connection");
  if (versions.pinned() && pinning_ == nullptr) return net::Event::error("this connection cannot pin TLS versions");
  if (pinning_ != nullptr) pinning_->pin_tls_versions(versions);
  net::Event e = transport_->start_tls(deadline);
  // The transcript's line for a close says nothing of an alert: name it.
  if (e.kind == net::Event::Kind::closed && !e.what.empty()) transcript_.tls(e.what);
  parser_.reset();
  held_.reset();
  return e;
}

sasl::ChannelBinding Connection::channel_binding(std::string_view type) const {
  if (!transport_) return {};
  return transport_->channel_binding(type);
}

}  // namespace sah::scenario
