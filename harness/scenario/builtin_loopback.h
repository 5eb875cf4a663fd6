// The built-in reference server behind real loopback sockets, for `run` with no target: each
// call of the factory makes a connector that owns its own server (an Acceptor on a free
// 127.0.0.1 port with one I/O thread), so cases stay as isolated as in-process — one case's
// crash or hang cannot reach the next — while every byte goes through the kernel, the TCP and
// TLS code a real target sees. A crash fault stops that one server serving (a client sees the
// connection reset and the port closed) instead of aborting the harness.
#pragma once

#include <functional>
#include <memory>

#include "harness/base/result.h"
#include "harness/net/tls_mode.h"
#include "harness/net/transport.h"
#include "harness/server/config.h"

namespace sah::scenario {

using ConnectorFactory = std::function<std::unique_ptr<net::Connector>()>;

// `config` as builtin_config() makes it. The TLS certificate is self-signed, made once here
// for every server of the run; the harness does not verify it (it made it).
Result<ConnectorFactory, std::string> builtin_loopback_factory(server::Config config, net::TlsMode tls);

// The same for several configurations of one run (the per-case set-ups, builtin_case_setups):
// the certificate, for `hostname`, is made once here and shared by all of them.
using LoopbackFactories = std::function<ConnectorFactory(server::Config config)>;
Result<LoopbackFactories, std::string> builtin_loopback_factories(const std::string& hostname, net::TlsMode tls);

}  // namespace sah::scenario
