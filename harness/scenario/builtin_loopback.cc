#include "harness/scenario/builtin_loopback.h"

#include "harness/net/tcp_connector.h"
#include "harness/server/acceptor.h"
#include "harness/server/tls_context.h"

namespace sah::scenario {

namespace {

class LoopbackServerConnector final : public net::Connector {
 public:
  LoopbackServerConnector(const server::Config& config, std::shared_ptr<server::TlsContext> tls, net::TlsMode mode) {
    server::AcceptorOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 1;  // one case's connections at a time; many servers run side by side
    options.crash_stops_serving = true;
    server_ = std::make_unique<server::Acceptor>(config, std::move(tls), options);
    auto port = server_->start();
    if (!port.ok()) {
      error_ = "the built-in server could not listen: " + port.error();
      return;
    }
    net::TcpTarget target;
    target.host = "127.0.0.1";
    target.port = port.value();
    target.tls = mode;
    target.tls_options.insecure = true;
    tcp_ = std::make_unique<net::TcpConnector>(std::move(target));
  }

  std::unique_ptr<net::Transport> connect(std::chrono::milliseconds deadline, net::Event& error) override {
    if (!tcp_) {
      error.kind = net::Event::Kind::error;
      error.what = error_;
      return nullptr;
    }
    return tcp_->connect(deadline, error);
  }

  std::string describe() const override {
    return tcp_ ? "built-in server on " + tcp_->describe() : "built-in server (not listening)";
  }

 private:
  std::unique_ptr<server::Acceptor> server_;  // stopped (connections dropped) when the case ends
  std::unique_ptr<net::TcpConnector> tcp_;
  std::string error_;
};

}  // namespace

Result<LoopbackFactories, std::string> builtin_loopback_factories(const std::string& hostname, net::TlsMode tls) {
  std::shared_ptr<server::TlsContext> context;
  if (tls != net::TlsMode::none) {
    auto made = server::TlsContext::self_signed(hostname.empty() ? std::string("harness.localhost") : hostname);
    if (!made.ok()) return unexpected("the built-in server's certificate: " + made.error());
    context = made.value();
  }
  return LoopbackFactories([context, tls](server::Config config) {
    auto shared_config = std::make_shared<const server::Config>(std::move(config));
    return ConnectorFactory([shared_config, context, tls]() -> std::unique_ptr<net::Connector> {
      return std::make_unique<LoopbackServerConnector>(*shared_config, context, tls);
    });
  });
}

Result<ConnectorFactory, std::string> builtin_loopback_factory(server::Config config, net::TlsMode tls) {
  auto factories = builtin_loopback_factories(config.hostname, tls);
  if (!factories.ok()) return unexpected(factories.error());
  return factories.value()(std::move(config));
}

}  // namespace sah::scenario
