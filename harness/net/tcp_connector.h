// Connections to a real target at HOST:PORT, in one of the three TLS modes. The TLS context is
// built once per connector; each connect() opens a fresh TcpTransport.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

#include "harness/base/result.h"
#include "harness/net/tls_client.h"
#include "harness/net/tls_mode.h"
#include "harness/net/transport.h"

namespace sah::net {

struct TcpTarget {
  std::string host;  // a name or an address literal (IPv6 without brackets)
  std::uint16_t port = 25;
  TlsMode tls = TlsMode::none;
  TlsOptions tls_options;
};

// "127.0.0.1:2525", "[::1]:25", "mail.example:587". The port is required (1-65535).
Result<TcpTarget, std::string> parse_host_port(std::string_view text);

class TcpConnector final : public Connector {
 public:
  explicit TcpConnector(TcpTarget target);

  // Implicit TLS shakes hands right after the TCP connect, within the same deadline; with
  // STARTTLS the interpreter sends the command and calls Transport::start_tls itself.
  std::unique_ptr<Transport> connect(std::chrono::milliseconds deadline, Event& error) override;
  std::string describe() const override;

  const TcpTarget& target() const { return target_; }

 private:
  TcpTarget target_;
  std::shared_ptr<boost::asio::ssl::context> ctx_;  // null with TlsMode::none or on error
  std::string ctx_error_;                           // why the context could not be built
};

}  // namespace sah::net
