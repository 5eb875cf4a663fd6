// The live fuzzing loop: sessions generated from a seed (session i from seed + i, so any one is
// reproducible), executed against a target, judged by the oracle; each new finding is
// minimised, rendered as a scenario file and handed to the caller. Stops after a number of
// sessions, a time budget, or when asked (SIGINT). Sessions run on `jobs` threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "harness/net/transport.h"
#include "harness/scenario/fuzz/executor.h"
#include "harness/scenario/fuzz/finding_file.h"
#include "harness/scenario/fuzz/generator.h"
#include "harness/scenario/fuzz/minimize.h"
#include "harness/scenario/fuzz/oracle.h"

namespace sah::scenario::fuzz {

struct FoundReport {
  Finding finding;        // as the minimised plan shows it
  Plan plan;              // minimised
  std::uint64_t session = 0;
  std::string file_name;  // "<kind>-<hash>.scn"
  std::string scenario;   // the file's text (parsed back: valid)
  std::string render_error;  // non-empty: the text could not be made (then `scenario` is empty)
};

struct LoopOptions {
  GeneratorOptions generator;
  ExecutorOptions executor;
  // A connector per session. In-process: a fresh built-in server each time (its crash cannot
  // reach the next session); a real target: a connector to it.
  std::function<std::unique_ptr<net::Connector>()> connector_factory;
  std::uint64_t seed = 1;
  std::uint64_t max_sessions = 0;         // 0: no limit
  std::chrono::milliseconds max_time{0};  // 0: no limit
  unsigned jobs = 1;
  std::size_t minimize_tries = 200;
  // New findings kept per kind; later ones of that kind are counted, not minimised (under a
  // fault switch nearly every session may show the same defect).
  std::size_t max_per_kind = 3;
  FindingContext context;                  // seed and session are filled per finding
  const std::atomic<bool>* stop = nullptr;
  // After a session that ended with a finding of kind crash or hang (a supervised target
  // restarts its server here). Called on the session's thread, serialised.
  std::function<void(const Finding&)> after_finding;
  std::function<void(const FoundReport&)> on_finding;  // serialised
};

struct LoopStats {
  std::uint64_t sessions = 0;        // sessions run (minimisation runs not counted)
  std::uint64_t findings = 0;        // sessions with a finding
  std::uint64_t reported = 0;        // distinct findings handed to on_finding
  std::uint64_t harness_errors = 0;  // plans the harness could not run (not findings)
  std::uint64_t unreachable = 0;     // sessions whose connect failed
  double seconds = 0;
  double sessions_per_second() const { return seconds > 0 ? static_cast<double>(sessions) / seconds : 0; }
};

LoopStats run_fuzz(const LoopOptions& options);

// One session, for tests and for minimisation: generate plan i, execute it, judge it.
struct SessionOutcome {
  Plan plan;
  Execution execution;
  std::optional<Finding> finding;
};
SessionOutcome run_session(const LoopOptions& options, std::uint64_t index);

}  // namespace sah::scenario::fuzz
