// A finding as a scenario file (scenarios/README.md) that `run --scenarios DIR` and `replay
// FILE` execute: the minimised plan's steps, every reply accepted except the one that showed
// the defect, which is judged so that the case FAILS while the defect is there and passes on a
// correct server. Secrets stay variables ($user, $password, $token): the file holds none.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/base/result.h"
#include "harness/scenario/fuzz/executor.h"
#include "harness/scenario/fuzz/oracle.h"
#include "harness/scenario/fuzz/plan.h"

namespace sah::scenario::fuzz {

struct FindingContext {
  std::uint64_t seed = 0;           // the fuzz run's seed
  std::uint64_t session = 0;        // the session that found it
  std::vector<std::string> faults;  // the built-in server's fault switches during the run
  std::string target;               // what was fuzzed ("built-in server", "127.0.0.1:2525")
  unsigned timeout_ms = 2000;       // the case's per-step timeout
};

// "fuzz.<kind>.<hash>" and "<kind>-<hash>.scn".
std::string finding_case_id(const Finding& f, const Plan& p);
std::string finding_file_name(const Finding& f, const Plan& p);

// The scenario text. `execution` is the minimised plan's run: how many replies each step got
// (so that later steps read the replies they are meant to). The text is parsed back before it
// is returned: an error means the renderer produced something the language rejects.
Result<std::string, std::string> render_finding(const Plan& plan, const Finding& finding, const Execution& execution,
                                                const FindingContext& context);

// The fault switch named in a finding made without one (the grammar asks each case for a
// negative control): the switch of the built-in server with the same symptom.
std::string representative_fault(FindingKind kind);

}  // namespace sah::scenario::fuzz
