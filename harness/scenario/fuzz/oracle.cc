#include "harness/scenario/fuzz/oracle.h"

#include "harness/smtp/reply.h"

namespace sah::scenario::fuzz {

std::string_view to_string(FindingKind k) {
  switch (k) {
    case FindingKind::crash: return "crash";
    case FindingKind::hang: return "hang";
    case FindingKind::bad_reply: return "bad-reply";
    case FindingKind::auth_bypass: return "auth-bypass";
    case FindingKind::cancel_ignored: return "cancel-ignored";
    case FindingKind::closed_without_reply: return "closed-without-reply";
  }
  return "crash";
}

namespace {

Finding make(FindingKind k, std::size_t step, std::string rule, const Observation& o) {
  return Finding{k, step, std::move(rule), describe(o)};
}

bool is_reply(const Observation& o, int code) { return o.kind == Observation::Kind::reply && o.reply.code == code; }

}  // namespace

std::optional<Finding> judge_session(const Plan& plan, const Execution& ex) {
  if (!ex.connected || !ex.harness_error.empty()) return std::nullopt;  // not the server's doing
  // The step where the session ended abnormally, for crash: the close that the crash caused.
  std::size_t last = ex.steps.empty() ? 0 : ex.steps.size() - 1;
  if (ex.liveness_checked && !ex.alive) {
    Finding f{FindingKind::crash, last, "a new connection is not greeted after the session (G4, RFC 5321 §3.1)",
              ex.liveness_detail};
    return f;
  }
  if (ex.greeting.kind == Observation::Kind::malformed)
    return make(FindingKind::bad_reply, 0, "greeting breaks RFC 5321 §4.2 reply syntax (RPL-01..03)", ex.greeting);
  bool goodbye = is_reply(ex.greeting, 421);
  for (std::size_t i = 0; i < ex.steps.size() && i < plan.steps.size(); ++i) {
    const StepRecord& r = ex.steps[i];
    const PlanStep& s = plan.steps[i];
    for (std::size_t k = 0; k < r.replies.size(); ++k) {
      const Observation& o = r.replies[k];
      switch (o.kind) {
        case Observation::Kind::malformed:
          return make(FindingKind::bad_reply, i, "reply breaks RFC 5321 §4.2 syntax (RPL-01..03)", o);
        case Observation::Kind::timeout:
          if (r.owed_reply && k == 0)
            return make(FindingKind::hang, i, "no reply within the step timeout (RFC 5321 §4.2, G2)", o);
          break;
        case Observation::Kind::closed:
          if (r.owed_reply && k == 0 && !goodbye)
            return make(FindingKind::closed_without_reply, i,
                        "connection closed without a reply and without 421 first (RFC 5321 §3.8, G3)", o);
          break;
        case Observation::Kind::error: break;  // a network error says nothing about the server
        case Observation::Kind::reply: {
          const int code = o.reply.code;
          if (!smtp::code_has_rfc5321_shape(code))
            return make(FindingKind::bad_reply, i, "reply code outside RFC 5321 §4.2 (RPL-01)", o);
          if (s.bad_credentials && code == 235)
            return make(FindingKind::auth_bypass, i,
                        "235 to credentials a correct server must refuse (RFC 4954 §4, §6)", o);
          const bool cancelled = s.cancel && (s.kind == PlanStep::Kind::auth || (k == 0 && r.after_challenge));
          if (cancelled && code >= 200 && code < 400)
            return make(FindingKind::cancel_ignored, i, "2xx/3xx to a \"*\" cancel, not 501 (RFC 4954 §4)", o);
          goodbye = goodbye || code == 221 || code == 421;
          break;
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace sah::scenario::fuzz
