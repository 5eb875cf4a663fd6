// Runs one expanded Case over a Connector, step by step as scenarios/README.md says, and
// returns its CaseResult: the verdict (the worst of its steps; the case stops at the first
// fail, timeout, crash, error or inconclusive), the deciding step's expected alternatives and
// observed reply, a reason, the masked transcript and the duration. The G4 liveness check
// after the case is the runner's (liveness.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "harness/base/bytes.h"
#include "harness/base/random.h"
#include "harness/base/result.h"
#include "harness/base/results.h"
#include "harness/net/tls_mode.h"
#include "harness/net/transport.h"
#include "harness/scenario/ast.h"

namespace sah::scenario {

using Variables = std::map<std::string, std::string>;
// Expands a Template's variables and macros (template.h's expand() in production; tests may
// pass a smaller one). An error is a bad scenario: the step's verdict is `error`.
using Expander = std::function<Result<Bytes, std::string>(const Template&, const Variables&)>;

struct Credentials {
  std::string user, password;    // $user $password
  std::string user2, password2;  // $user2 $password2
  std::string nouser = "no-such-user-7f3a";  // $nouser: a user that does not exist
  std::string token;             // $token
};

struct InterpreterOptions {
  net::TlsMode tls = net::TlsMode::none;
  std::string host = "localhost";             // $host; SASL host (DIGEST-MD5 digest-uri …)
  std::string domain = "harness.example.net"; // $domain; the EHLO / HELO argument
  Credentials credentials;
  std::chrono::milliseconds timeout{30000};   // per step, unless the case says `timeout MS`
  // After the 250 to `alive`'s NOOP: how long a second reply is waited for (G5).
  std::chrono::milliseconds extra_reply_wait{250};
  std::size_t max_auth_round_trips = 16;
  std::size_t max_close_octets = 64 * 1024;   // `closed`: octets read while waiting for the close
  Expander expand;
  // Pauses for `wait MS`; null: a real sleep. In-process runs pass a no-op (virtual time).
  std::function<void(std::chrono::milliseconds)> sleep;
};

// $user … $domain from the options, and $mech from the case.
Variables builtin_variables(const InterpreterOptions& options, const Case& c);

// `random` feeds the client mechanisms' nonces; it is used by this case only.
CaseResult run_case(const Case& c, net::Connector& connector, const InterpreterOptions& options, Random& random);

}  // namespace sah::scenario
