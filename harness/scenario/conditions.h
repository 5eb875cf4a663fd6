// `check` conditions (scenarios/README.md "Conditions for check") and the judging of a check
// group: the first alternative whose condition holds gives the verdict; none holding is fail.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/base/result.h"
#include "harness/scenario/ast.h"
#include "harness/scenario/judge.h"
#include "harness/smtp/ehlo.h"

namespace sah::scenario {

struct ConditionContext {
  const smtp::Capabilities* capabilities = nullptr;  // the last EHLO reply's; null: none yet
  bool tls = false;                                  // the connection is under TLS
  bool long_reply_line = false;  // a reply line over 512 octets on this connection (334 exempt)
  // Expands an operand of `==` / `!=` (variables and macros).
  std::function<Result<std::string, std::string>(std::string_view)> expand;
};

// A condition over a 334 payload (`PREFIX:TEXT`, TEXT usually a capture): cram-challenge:,
// printable:, digest-challenge:, ntlm-challenge:, scram-iterations: (challenge_checks.h).
struct ChallengeCondition {
  std::string_view prefix;        // with its ':'
  bool (*holds)(BytesView base64);
};
const std::vector<ChallengeCondition>& challenge_conditions();

// True / false, or why the condition cannot be evaluated (a bad scenario: verdict error).
Result<bool, std::string> evaluate_condition(std::string_view condition, const ConditionContext& ctx);

Judgement judge_check(const std::vector<Alternative>& alternatives, const ConditionContext& ctx, Severity level);

}  // namespace sah::scenario
