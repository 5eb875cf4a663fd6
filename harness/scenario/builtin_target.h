// The built-in reference server as an in-process target: its config for a run's credentials
// and TLS mode, and a connector factory that makes a fresh server (a fresh MemoryConnector)
// for every case, so that no port is needed, timeouts cost no wall time, and one case's crash
// or hang cannot reach the next; and the per-case set-up of its off-by-default mechanisms.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/base/result.h"
#include "harness/net/tls_mode.h"
#include "harness/net/transport.h"
#include "harness/scenario/ast.h"
#include "harness/scenario/interpreter.h"
#include "harness/scenario/runner.h"
#include "harness/server/config.h"

namespace sah::scenario {

// Accounts for $user/$password and $user2/$password2 (when set), the token for $user, TLS as
// the mode asks (STARTTLS offered, or implicit), the given fault switches.
server::Config builtin_config(const Credentials& credentials, net::TlsMode tls, const std::set<std::string>& faults = {},
                              bool require_auth_for_mail = false);

// Each call makes a new in-process server; its randomness is seeded with seed + n (n counts
// the calls), so a run is reproducible.
std::function<std::unique_ptr<net::Connector>()> builtin_connector_factory(server::Config config, std::uint64_t seed);

// The off-by-default mechanisms (server::kOffByDefaultMechanisms: ANONYMOUS, DIGEST-MD5) that
// a case needs (`needs mech:NAME`, not negated), in that list's order.
std::vector<std::string> off_by_default_needs(const Case& c);

// Turns a configuration of the built-in server into a connector factory (in-process or over
// loopback); `setup` names the set-up ("+DIGEST-MD5"), for a seed of its own.
using ConfigConnectors = std::function<Result<std::function<std::unique_ptr<net::Connector>()>, std::string>(
    server::Config config, const std::string& setup)>;

// A run against the built-in server sets each case's server up as a test lab would: the run's
// configuration plus the off-by-default mechanisms the case needs (RFC 4505 §5, RFC 6331: the
// server offers them only when configured), so that the ANONYMOUS and DIGEST-MD5 cases run
// while every other case, CAP-10 and CAP-11 among them, meets the server as it is by default.
// A case that needs none gets the run's own set-up (an empty CaseSetup). `make` is called once
// per distinct set-up.
std::function<CaseSetup(const Case&)> builtin_case_setups(server::Config config, ConfigConnectors make);

}  // namespace sah::scenario
