// The live fuzzer's oracle: pure, from a plan and what its execution observed to at most one
// finding. Few rules, each citing its clause; anything else a server may legitimately do
// (refuse, 5xx, close after 221/421) is not a finding.
//
//   crash                 a new connection is not greeted after the session (catalogue G4)
//   hang                  no reply to a complete line, exchange or STARTTLS within the step
//                         timeout (RFC 5321 §4.2: every command gets a reply; G2)
//   bad-reply             a reply that breaks RFC 5321 §4.2 syntax, or a code outside 2xx-5xx
//                         (RPL-01..03)
//   auth-bypass           235 to a step with credentials a correct server must refuse
//                         (RFC 4954 §4, §6) — critical
//   cancel-ignored        2xx or 3xx to a "*" that answers a 334 (RFC 4954 §4: 501)
//   closed-without-reply  the connection closed while a reply was owed, with no 221 or 421
//                         before it (RFC 5321 §3.8: 421 before closing; G3)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "harness/scenario/fuzz/executor.h"
#include "harness/scenario/fuzz/plan.h"

namespace sah::scenario::fuzz {

enum class FindingKind { crash, hang, bad_reply, auth_bypass, cancel_ignored, closed_without_reply };

std::string_view to_string(FindingKind k);

struct Finding {
  FindingKind kind = FindingKind::crash;
  std::size_t step = 0;   // the plan step where it showed
  std::string rule;       // the clause it breaks, one line
  std::string observed;   // what came instead (no secret: replies are masked by the caller's transcript only)
};

std::optional<Finding> judge_session(const Plan& plan, const Execution& execution);

// Whether two findings are "the same" for minimisation: same kind (the step may move).
inline bool same_finding(const Finding& a, const Finding& b) { return a.kind == b.kind; }

}  // namespace sah::scenario::fuzz
