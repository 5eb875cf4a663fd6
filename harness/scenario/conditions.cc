#include "harness/scenario/conditions.h"

#include <nlohmann/json.hpp>

#include "harness/codec/base64.h"

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

}  // namespace

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
  if (c == "auth-mechs") return caps != nullptr && !caps->auth_mechanisms().empty();
  if (c == "mechs-valid") return caps != nullptr && caps->auth_names_valid();
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
