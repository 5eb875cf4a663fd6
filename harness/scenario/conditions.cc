#include "harness/scenario/conditions.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "harness/codec/base64.h"
#include "harness/scenario/challenge_checks.h"

namespace sah::scenario {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<bool, std::string> compare(std::string_view cond, std::size_t op, bool equal, const ConditionContext& ctx) {
  if (!ctx.expand) return unexpected(std::string("no expander for `") + std::string(cond) + "`");
  auto a = ctx.expand(trim(cond.substr(0, op)));
  if (!a.ok()) return unexpected(a.error());
  auto b = ctx.expand(trim(cond.substr(op + 2)));
  if (!b.ok()) return unexpected(b.error());
  return (a.value() == b.value()) == equal;
}

bool mechanism_names_valid(const smtp::Capabilities& caps, bool strict_case) {
  if (caps.auth_empty_tokens() != 0) return false;
  const auto ok = [strict_case](const smtp::AdvertisedMechanism& m) {
    return m.check == smtp::MechNameCheck::valid || (!strict_case && m.check == smtp::MechNameCheck::lowercase);
  };
  return std::all_of(caps.auth_standard().begin(), caps.auth_standard().end(), ok) &&
         std::all_of(caps.auth_legacy().begin(), caps.auth_legacy().end(), ok);
}

}  // namespace

const std::vector<ChallengeCondition>& challenge_conditions() {
  static const std::vector<ChallengeCondition> kList = {
      {"cram-challenge:", cram_challenge_form},
      {"printable:", printable_challenge},
      {"digest-challenge:", digest_initial_challenge_form},
      {"ntlm-challenge:", ntlm_challenge_form},
      {"scram-iterations:", scram_iterations_sufficient},
  };
  return kList;
}

Result<bool, std::string> evaluate_condition(std::string_view condition, const ConditionContext& ctx) {
  std::string_view c = trim(condition);
  if (c == "*") return true;
  if (const auto op = c.find("=="); op != std::string_view::npos) return compare(c, op, true, ctx);
  if (const auto op = c.find("!="); op != std::string_view::npos) return compare(c, op, false, ctx);
  if (!c.empty() && c.front() == '!') {
    auto inner = evaluate_condition(c.substr(1), ctx);
    if (!inner.ok()) return inner;
    return !inner.value();
  }
  const smtp::Capabilities* caps = ctx.capabilities;
  if (c == "tls") return ctx.tls;
  // RFC 5321 §4.5.3.1.5 (RPL-05): reply lines fit in 512 octets with CRLF; RFC 4954 §4 exempts
  // 334 challenges.
  if (c == "lines-512") return !ctx.long_reply_line;
  if (c == "auth-mechs") return caps != nullptr && !caps->auth_mechanisms().empty();
  // CAP-02: RFC 4422 §3.1 names, upper case; lower-case letters are tolerated (RFC 4954 §8 makes
  // the names case-insensitive), so mechs-valid accepts them and mechs-upper does not.
  if (c == "mechs-valid") return caps != nullptr && mechanism_names_valid(*caps, /*strict_case=*/false);
  if (c == "mechs-upper") return caps != nullptr && mechanism_names_valid(*caps, /*strict_case=*/true);
  if (c == "auth-form:legacy") return caps != nullptr && caps->has_auth_legacy();
  if (c == "auth-form:standard") return caps != nullptr && caps->has_auth_standard();
  if (c.starts_with("cap:")) return caps != nullptr && caps->has(c.substr(4));
  if (c.starts_with("mech:")) return caps != nullptr && caps->offers_mechanism(c.substr(5));
  if (c.starts_with("json-object:")) {
    // XO-02, OB-03: the error challenge of the bearer-token mechanisms is a JSON object.
    if (!ctx.expand) return unexpected(std::string("no expander for `") + std::string(c) + "`");
    auto text = ctx.expand(c.substr(12));
    if (!text.ok()) return unexpected(text.error());
    const auto parsed = nlohmann::json::parse(text.value(), nullptr, /*allow_exceptions=*/false);
    return !parsed.is_discarded() && parsed.is_object();
  }
  for (const ChallengeCondition& cc : challenge_conditions()) {
    if (!c.starts_with(cc.prefix)) continue;
    if (!ctx.expand) return unexpected(std::string("no expander for `") + std::string(c) + "`");
    auto text = ctx.expand(c.substr(cc.prefix.size()));
    if (!text.ok()) return unexpected(text.error());
    return cc.holds(text.value());
  }
  if (c.starts_with("b64-canonical:")) {
    // B64-10: strict decoding already refuses non-canonical text (missing padding, non-zero
    // pad bits), so "decodes strictly" is "strict and canonical".
    if (!ctx.expand) return unexpected(std::string("no expander for `") + std::string(c) + "`");
    auto text = ctx.expand(c.substr(14));
    if (!text.ok()) return unexpected(text.error());
    return codec::base64_decode(text.value()).ok();
  }
  return unexpected("unknown condition `" + std::string(c) + "`");
}

Judgement judge_check(const std::vector<Alternative>& alts, const ConditionContext& ctx, Severity level) {
  Judgement j;
  for (std::size_t i = 0; i < alts.size(); ++i) {
    auto holds = evaluate_condition(alts[i].condition, ctx);
    if (!holds.ok()) {
      j.verdict = Verdict::error;
      j.reason = holds.error();
      return j;
    }
    if (!holds.value()) continue;
    j.verdict = alts[i].verdict;
    j.severity = j.verdict == Verdict::fail ? fail_severity(alts[i].severity, level) : Severity::none;
    j.reason = alts[i].why.empty() ? "condition `" + alts[i].condition + "` holds" : alts[i].why;
    j.matched = i;
    return j;
  }
  j.verdict = Verdict::fail;
  j.severity = fail_severity(Severity::none, level);
  j.reason = "no condition of the check holds";
  return j;
}

}  // namespace sah::scenario
