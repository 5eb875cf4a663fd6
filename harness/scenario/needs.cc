#include "harness/scenario/needs.h"

namespace sah::scenario {

std::optional<bool> need_holds(const std::string& what, const NeedsContext& ctx) {
  const smtp::Capabilities* caps = ctx.capabilities;
  if (what.starts_with("mech:")) return caps != nullptr && caps->offers_mechanism(std::string_view(what).substr(5));
  if (what == "account") return ctx.account;
  if (what == "account2") return ctx.account2;
  if (what == "token") return ctx.token;
  if (what == "tls") return ctx.tls != net::TlsMode::none;
  if (what == "starttls") return ctx.tls == net::TlsMode::starttls;
  if (what == "implicit") return ctx.tls == net::TlsMode::implicit;
  // AUTH advertised at all (RFC 4954 §3): cases about the AUTH command itself need a server
  // that offers it; one that does not (OpenSMTPD without TLS) answers 503, correctly.
  if (what == "auth") return caps != nullptr && (caps->has_auth_standard() || caps->has_auth_legacy());
  if (what == "enh") return caps != nullptr && caps->enhanced_status_codes();
  if (what == "pipelining") return caps != nullptr && caps->pipelining();
  if (what == "chunking") return caps != nullptr && caps->chunking();
  if (what == "submission") return ctx.submission;
  if (what == "tls-required") return ctx.tls_required;
  if (what == "txn") return ctx.txn;
  if (what == "optional") return ctx.optional;
  return std::nullopt;
}

std::optional<std::string> unmet_need(const std::vector<Need>& needs, const NeedsContext& ctx) {
  for (const Need& n : needs) {
    const std::string written = (n.negated ? "!" : "") + n.what;
    const std::optional<bool> holds = need_holds(n.what, ctx);
    if (!holds) return "needs " + written + " (unknown condition)";
    if (*holds == n.negated) {
      std::string why;
      if (n.what.starts_with("mech:")) why = n.negated ? "advertised" : "not advertised";
      else why = n.negated ? "present" : "not available";
      return "needs " + written + " (" + why + ")";
    }
  }
  return std::nullopt;
}

}  // namespace sah::scenario
