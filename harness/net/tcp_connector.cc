#include "harness/net/tcp_connector.h"

#include <charconv>
#include <utility>

#include "harness/net/tcp_transport.h"

namespace sah::net {

Result<TcpTarget, std::string> parse_host_port(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return unexpected("expected [ADDRESS]:PORT, got '" + std::string(text) + "'");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return unexpected("expected HOST:PORT (IPv6 in brackets), got '" + std::string(text) + "'");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return unexpected("no host in '" + std::string(text) + "'");
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return unexpected("bad port '" + std::string(port) + "' (1-65535)");
  }
  TcpTarget t;
  t.host = std::string(host);
  t.port = static_cast<std::uint16_t>(value);
  return t;
}

TcpConnector::TcpConnector(TcpTarget target) : target_(std::move(target)) {
  if (target_.tls == TlsMode::none) return;
  auto ctx = make_client_context(target_.tls_options);
  if (ctx) ctx_ = std::move(ctx).value();
  else ctx_error_ = ctx.error();
}

std::unique_ptr<Transport> TcpConnector::connect(std::chrono::milliseconds deadline, Event& error) {
  if (!ctx_error_.empty()) {
    error = Event::error(ctx_error_);
    return nullptr;
  }
  const auto start = std::chrono::steady_clock::now();
  auto t = std::make_unique<TcpTransport>(ctx_, target_.host);
  Event e = t->connect(target_.port, deadline);
  if (!e.is_ok()) {
    error = std::move(e);
    return nullptr;
  }
  if (target_.tls == TlsMode::implicit) {
    const auto left = deadline - std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - start);
    e = t->start_tls(left);
    if (e.kind == Event::Kind::timeout) {
      error = Event::error("TLS handshake with " + describe() + " did not finish within " +
                           std::to_string(deadline.count()) + " ms");
      return nullptr;
    }
    if (!e.is_ok()) {
      error = std::move(e);
      return nullptr;
    }
  }
  return t;
}

std::string TcpConnector::describe() const {
  const bool v6 = target_.host.find(':') != std::string::npos;
  std::string s = v6 ? "[" + target_.host + "]" : target_.host;
  s += ":" + std::to_string(target_.port);
  if (target_.tls != TlsMode::none) s += " (" + std::string(to_string(target_.tls)) + ")";
  return s;
}

}  // namespace sah::net
