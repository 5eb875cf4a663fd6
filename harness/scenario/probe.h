// The probe session a run starts with (S0, catalogue §1.7): greeting, EHLO, STARTTLS in
// --tls starttls, EHLO again. What it finds fills the run's header and decides `needs`.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "harness/net/tls_mode.h"
#include "harness/net/transport.h"
#include "harness/smtp/ehlo.h"

namespace sah::scenario {

struct ProbeResult {
  bool reached = false;       // a connection could be opened at all
  std::string error;          // !reached: why
  std::string greeting;       // the greeting as received ("" when none came)
  std::optional<smtp::Capabilities> capabilities;  // the current EHLO reply (after TLS)
  bool tls = false;           // the probe's connection ended under TLS
  std::string note;           // what went wrong after connecting (no greeting, no STARTTLS …)
};

ProbeResult probe_target(net::Connector& connector, net::TlsMode tls, const std::string& domain,
                         std::chrono::milliseconds timeout);

}  // namespace sah::scenario
