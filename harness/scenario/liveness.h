// G4 (catalogue §1.6): after each case a new connection must be greeted; a server that no
// longer greets died (or stopped serving) because of the case, which makes it a `crash`.
#pragma once

#include <chrono>
#include <string>

#include "harness/net/transport.h"

namespace sah::scenario {

struct Liveness {
  bool alive = false;
  std::string detail;  // what happened instead of a 220 greeting
};

Liveness check_liveness(net::Connector& connector, std::chrono::milliseconds timeout);

}  // namespace sah::scenario
