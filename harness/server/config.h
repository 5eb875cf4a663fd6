// How the built-in reference server behaves: accounts, policies, limits and fault switches.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/sasl/mechanism.h"

namespace sah::server {

struct Limits {
  std::size_t max_command_line = 512;    // RFC 5321 §4.5.3.1.4: 512 octets incl. CRLF
  std::size_t max_auth_line = 12288;     // RFC 4954 §4: AUTH lines and responses up to 12288 octets
  std::size_t max_text_line = 1000;      // RFC 5321 §4.5.3.1.6 (DATA)
  std::size_t max_message = 10 * 1024 * 1024;
  unsigned max_auth_failures = 3;        // then 421 and close (SEC-04 practice)
  unsigned max_bad_commands = 20;        // then 421 and close
  std::chrono::seconds idle_timeout{300};  // RFC 5321 §4.5.3.2.7 (5 minutes)
};

// What one server process remembers across its connections. A correct server keeps nothing
// here (RFC 5321 §4.1.1.5: a dropped connection is like QUIT, it leaves no trace); fault switches
// use it to model a server whose state leaks from one connection into the next (LIM-06).
// Copying starts a new process: a copy's state is fresh, so the acceptor and the in-memory
// connector, which each keep their own copy of the Config, each get their own.
class ProcessState {
 public:
  ProcessState() = default;
  ProcessState(const ProcessState&) {}
  ProcessState& operator=(const ProcessState&) { return *this; }
  ~ProcessState() = default;

  // AUTH exchanges abandoned by a dropped connection (fault abandoned-exchange-leak only).
  // Atomic: the acceptor's threads share one Config.
  mutable std::atomic<unsigned> abandoned_exchanges{0};
};

// Offered only when the operator configures them (Config::mechanisms or extra_mechanisms):
// ANONYMOUS (RFC 4505 §5: no benefit over unauthenticated submission; CAP-11) and DIGEST-MD5
// (RFC 6331 §1, §3: obsolete, should no longer be offered; CAP-10).
inline constexpr std::string_view kOffByDefaultMechanisms[] = {"ANONYMOUS", "DIGEST-MD5"};

struct Config {
  std::string hostname = "harness.localhost";
  // The port the server listens on, when it knows it; 0: unknown. OAUTHBEARER compares the
  // client's port= with it (RFC 7628 §3.2, OB-07), as it compares host= with `hostname`.
  unsigned port = 0;
  std::vector<sasl::Account> accounts;
  // Mechanisms offered, in advertisement order; empty: every mechanism of the registry
  // whose server side can work in the current state (EXTERNAL only with a client identity),
  // except the off-by-default ones (kOffByDefaultMechanisms) unless they are named here or in
  // `extra_mechanisms`.
  std::vector<std::string> mechanisms;
  // Offered in addition to `mechanisms` (or to the default set): how an operator turns on an
  // off-by-default mechanism without listing all the others (`serve --mechanisms +DIGEST-MD5`).
  std::vector<std::string> extra_mechanisms;
  bool tls_available = false;              // STARTTLS is advertised (a TLS context exists)
  bool implicit_tls = false;               // the connection is TLS from the first byte (465)
  bool require_tls_for_plaintext = false;  // 538 5.7.11 for PLAIN/LOGIN in cleartext (RFC 4954 §4)
  bool require_auth_for_mail = false;      // 530 5.7.0 for MAIL before AUTH (RFC 4954 §6)
  bool offer_plaintext_in_clear = true;    // advertise PLAIN/LOGIN before TLS
  // RFC 4422 App. A: the identity EXTERNAL takes from outside SASL when no TLS client
  // certificate gave one, as a lower layer the operator trusts would (a local socket, IPsec);
  // empty: only a verified client certificate makes EXTERNAL usable (CAP-12).
  std::string external_identity;
  // Legacy, off by default: NTLM also accepts NTLMv1 responses (sasl::ServerOptions::
  // ntlm_accept_v1). Accepting them is a PRACTICE-level failure (NTLM-14); this is for
  // interoperability with v1-only clients, not a fault switch, and `faults` stays the record
  // of deliberate misbehaviour.
  bool ntlm_accept_v1 = false;
  // SCRAM iteration count sent in server-first (sasl::ServerOptions::scram_iterations).
  // RFC 7677 §4 / RFC 5802 §5.1: at least 4096; only the fuzz target lowers it, for speed.
  unsigned scram_iterations = 4096;
  Limits limits;
  std::set<std::string> faults;            // names from faults.h; empty: a correct server
  ProcessState process;                    // shared by this server's connections (see above)
};

}  // namespace sah::server
