// The built-in reference server as an in-process target: its config for a run's credentials
// and TLS mode, and a connector factory that makes a fresh server (a fresh MemoryConnector)
// for every case, so that no port is needed, timeouts cost no wall time, and one case's crash
// or hang cannot reach the next.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "harness/net/tls_mode.h"
#include "harness/net/transport.h"
#include "harness/scenario/interpreter.h"
#include "harness/server/config.h"

namespace sah::scenario {

// Accounts for $user/$password and $user2/$password2 (when set), the token for $user, TLS as
// the mode asks (STARTTLS offered, or implicit), the given fault switches.
server::Config builtin_config(const Credentials& credentials, net::TlsMode tls, const std::set<std::string>& faults = {},
                              bool require_auth_for_mail = false);

// Each call makes a new in-process server; its randomness is seeded with seed + n (n counts
// the calls), so a run is reproducible.
std::function<std::unique_ptr<net::Connector>()> builtin_connector_factory(server::Config config, std::uint64_t seed);

}  // namespace sah::scenario
