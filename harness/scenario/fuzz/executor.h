// Runs a fuzz plan over a Connector, as the scenario interpreter would run its rendering:
// send-raw steps through the same Connection (masked transcript, bounded reply parser), auth
// steps through the same SASL exchange (auth_exchange.h), STARTTLS with the same handshake.
// It judges nothing: it records what came back for each step, and whether the server still
// greets a new connection afterwards (the oracle decides; oracle.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "harness/base/random.h"
#include "harness/net/transport.h"
#include "harness/scenario/fuzz/plan.h"
#include "harness/scenario/interpreter.h"
#include "harness/scenario/judge.h"

namespace sah::scenario::fuzz {

struct StepRecord {
  // Replies in order; the last one may instead be what stopped the step: closed, timeout,
  // malformed, a network error. Empty when nothing was due and nothing came.
  std::vector<Observation> replies;
  bool owed_reply = false;  // a complete line (or an exchange, or STARTTLS) was sent
  // Whether the step's first reply followed a 334 (the step answered a challenge).
  bool after_challenge = false;
};

struct Execution {
  bool connected = false;
  std::string connect_error;       // the connector's error: the target is unreachable
  Observation greeting;
  std::vector<StepRecord> steps;   // one per step run; the session stops at the first close/timeout/error
  std::string harness_error;       // a step the harness could not run (bad template): not a finding
  bool liveness_checked = false;
  bool alive = true;               // G4: a new connection was greeted after the session
  std::string liveness_detail;
};

struct ExecutorOptions {
  InterpreterOptions interpreter;  // credentials, host, domain, per-step timeout, expand
  // After a step's first reply, how long each further reply owed to pipelined lines is waited
  // for (in-process: 0 costs nothing, replies are there or not at all).
  std::chrono::milliseconds pipelined_wait{0};
  bool always_check_liveness = false;  // else only after an unexpected close, timeout or error
};

Execution execute(const Plan& plan, net::Connector& connector, const ExecutorOptions& options, Random& random);

}  // namespace sah::scenario::fuzz
