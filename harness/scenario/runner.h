// A whole run: the probe session, then every case (in parallel with jobs > 1, results kept in
// catalogue order), `needs` → skip, the G4 liveness check after each case (not greeted →
// crash, critical), and an orderly stop when asked (SIGINT): no new case starts, running ones
// finish, the result is marked interrupted.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/base/result.h"
#include "harness/base/results.h"
#include "harness/net/transport.h"
#include "harness/scenario/ast.h"
#include "harness/scenario/interpreter.h"
#include "harness/scenario/needs.h"

namespace sah::scenario {

// How one case's server is set up, for a target the harness sets up itself (the built-in
// server), as a test lab configures the server for each test.
struct CaseSetup {
  // Names the set-up; cases with the same name share one probe, whose EHLO reply decides their
  // `needs`. Empty: the run's own set-up (RunnerOptions::connector_factory and the run's probe).
  std::string name;
  std::function<std::unique_ptr<net::Connector>()> connector_factory;
  std::string error;  // the set-up could not be made: the case's verdict is error, with this
};

struct RunnerOptions {
  InterpreterOptions interpreter;
  // A connector for the probe and for each case (its liveness check uses the same one). An
  // in-process run returns a fresh built-in server each time, so one case's crash or hang
  // cannot spill into the next; a real target returns a connector to it.
  std::function<std::unique_ptr<net::Connector>()> connector_factory;
  // Optional: a set-up of its own for a case (its connector factory, and a probe of that
  // set-up for its `needs`); unset, or a CaseSetup with an empty name: the run's.
  std::function<CaseSetup(const Case&)> setup_for_case;
  // Everything `needs` looks at except the capabilities, which the probe supplies.
  NeedsContext needs;
  unsigned jobs = 1;
  std::string harness_version;
  std::uint64_t seed = 1;  // case i's client randomness is seeded with seed + i
  const std::atomic<bool>* stop = nullptr;  // set: start no further case
  // Called after each case and its liveness check, on the thread that ran it (before on_case):
  // a supervised target uses it to charge a server death to the case (verdict crash, the
  // server's last log lines) and to restart the server before the next case.
  std::function<void(CaseResult&)> after_case;
  // Called once per finished case, serialised (never two at a time), in completion order.
  std::function<void(const CaseResult&, std::size_t done, std::size_t total)> on_case;
};

// The error (target unreachable: not even the probe could connect) means exit 2.
Result<RunResult, std::string> run_cases(const std::vector<Case>& cases, const RunnerOptions& options);

// DESIGN.md "Command line": 1 when a fail is at or above `fail_on` (critical > must > should
// > practice) or any case crashed or timed out; else 0.
int exit_code(const RunResult& run, Severity fail_on);

// "2024-05-01T12:00:00Z"
std::string utc_now_iso8601();

}  // namespace sah::scenario
