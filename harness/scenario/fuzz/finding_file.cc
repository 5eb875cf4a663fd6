#include "harness/scenario/fuzz/finding_file.h"

#include <algorithm>

#include "harness/scenario/parser.h"

namespace sah::scenario::fuzz {
namespace {

struct KindInfo {
  const char* req;
  const char* rfc;
  const char* judged;  // expect lines of the judged reply, before the permissive ones
};

KindInfo info(FindingKind k) {
  switch (k) {
    case FindingKind::crash:
      return {"LIM-07", "RFC5321#3.1 RFC4954#4", ""};
    case FindingKind::hang:
      return {"RPL-06 LIM-07", "RFC5321#4.2 RFC4954#4", ""};
    case FindingKind::bad_reply:
      return {"RPL-01 RPL-02 RPL-03", "RFC5321#4.2 RFC5321#2.3.8", ""};
    case FindingKind::auth_bypass:
      return {"LIM-07", "RFC4954#4 RFC4954#6",
              "expect  235 *     => fail critical \"authenticated with credentials a correct server refuses\"\n"};
    case FindingKind::cancel_ignored:
      return {"CONT-02", "RFC4954#4",
              "expect  2xx *     => fail \"a cancelled exchange must be rejected with 501\"\n"
              "expect  3xx *     => fail \"a cancelled exchange must be rejected with 501\"\n"};
    case FindingKind::closed_without_reply:
      return {"RPL-06 LIM-07", "RFC5321#3.8 RFC5321#4.2", ""};
  }
  return {"LIM-07", "RFC4954#4", ""};
}

// Any reply, a close and a silence are fine on the steps that only lead up to the finding.
// 4xx is named so that 421 is not `inconclusive` (G7).
constexpr const char* kPermissive =
    "expect  4xx *     => pass\n"
    "expect  *         => pass\n"
    "expect  closed    => pass\n"
    "expect  timeout   => pass\n";

// On the judged step: the same, minus what the finding is (G2 timeout, G3 closed).
std::string permissive_for(FindingKind k) {
  std::string s = "expect  4xx *     => pass\nexpect  *         => pass\n";
  if (k != FindingKind::closed_without_reply) s += "expect  closed    => pass\n";
  if (k != FindingKind::hang) s += "expect  timeout   => pass\n";
  return s;
}

bool uses(const Plan& p, const std::string& var) {
  for (const auto& s : p.steps) {
    const std::string text = render_step(s);
    for (std::size_t at = text.find(var); at != std::string::npos; at = text.find(var, at + 1)) {
      const std::size_t end = at + var.size();
      const bool whole = end >= text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_');
      if (whole && (at == 0 || text[at - 1] != '\\')) return true;
    }
  }
  return false;
}

}  // namespace

std::string finding_case_id(const Finding& f, const Plan& p) {
  return "fuzz." + std::string(to_string(f.kind)) + "." + plan_hash(p);
}

std::string finding_file_name(const Finding& f, const Plan& p) {
  return std::string(to_string(f.kind)) + "-" + plan_hash(p) + ".scn";
}

std::string representative_fault(FindingKind kind) {
  switch (kind) {
    case FindingKind::crash: return "long-line-crash";
    case FindingKind::hang: return "hang-on-malformed";
    case FindingKind::bad_reply: return "reply-bare-lf";
    case FindingKind::auth_bypass: return "accept-any-password";
    case FindingKind::cancel_ignored: return "cancel-wrong-code";
    case FindingKind::closed_without_reply: return "close-without-reply";
  }
  return "long-line-crash";
}

Result<std::string, std::string> render_finding(const Plan& plan, const Finding& f, const Execution& ex,
                                                const FindingContext& ctx) {
  const KindInfo k = info(f.kind);
  std::string s;
  s += "# Found by `smtp-auth-harness fuzz --seed " + std::to_string(ctx.seed) + "` (session " +
       std::to_string(ctx.session) + ") against " + (ctx.target.empty() ? "a server" : ctx.target) + ".\n";
  s += "# " + std::string(to_string(f.kind)) + ": " + f.rule + "\n";
  std::string observed = f.observed;
  std::replace(observed.begin(), observed.end(), '\n', ' ');
  std::replace(observed.begin(), observed.end(), '\r', ' ');
  if (observed.size() > 200) observed = observed.substr(0, 200) + "...";
  s += "# Observed at step " + std::to_string(f.step + 1) + ": " + observed + "\n";
  s += "# The case fails while the defect is there and passes on a correct server.\n";
  if (ctx.faults.empty())
    s += "# The `fault` line names the built-in server's switch with the same symptom (the language asks\n"
         "# every case for one); the run that found this used no fault switch.\n";
  s += "case    " + finding_case_id(f, plan) + "\n";
  s += "title   Live fuzzing: " + std::string(to_string(f.kind)) + " at step " + std::to_string(f.step + 1) + "\n";
  s += "req     " + std::string(k.req) + "\n";
  s += "rfc     " + std::string(k.rfc) + "\n";
  s += "tags    fuzz finding\n";
  if (uses(plan, "$user") || uses(plan, "$password")) s += "needs   account\n";
  if (uses(plan, "$user2") || uses(plan, "$password2")) s += "needs   account2\n";
  if (uses(plan, "$token")) s += "needs   token\n";
  std::vector<std::string> faults = ctx.faults;
  if (faults.empty()) faults.push_back(representative_fault(f.kind));
  for (const auto& fault : faults) s += "fault   " + fault + "\n";
  s += "timeout " + std::to_string(ctx.timeout_ms) + "\n\n";
  s += "connect\n" + std::string(kPermissive);
  const std::size_t last = std::min(f.step + 1, plan.steps.size());
  for (std::size_t i = 0; i < last; ++i) {
    const bool judged = i == f.step;
    const std::string expects = judged ? std::string(k.judged) + permissive_for(f.kind) : std::string(kPermissive);
    s += render_step(plan.steps[i]) + "\n" + expects;
    // Replies beyond the first that the step received in the fuzz run: read each, so that the
    // next step judges its own reply (pipelined lines, a line finished by a later write).
    const std::size_t got = i < ex.steps.size() ? ex.steps[i].replies.size() : 0;
    for (std::size_t r = 1; r < got; ++r) s += "read\n" + expects;
  }
  // The runner's liveness check after the case (G4) turns a server that died into `crash`.
  ParseResult parsed = parse_text(s, finding_file_name(f, plan));
  if (!parsed.ok()) {
    std::string why = "the finding's scenario does not parse:";
    for (const auto& d : parsed.diagnostics) why += " " + format(d) + ";";
    return unexpected(why);
  }
  return s;
}

}  // namespace sah::scenario::fuzz
