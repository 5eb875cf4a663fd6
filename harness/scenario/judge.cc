#include "harness/scenario/judge.h"

#include <string>

#include "harness/smtp/enhanced_status.h"

namespace sah::scenario {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "5.7.*" against {5,7,8}: fields compared as numbers' canonical text; `*` takes the rest.
bool enhanced_pattern_matches(std::string_view pattern, const smtp::EnhancedStatus& e) {
  const std::string fields[3] = {std::to_string(e.klass), std::to_string(e.subject), std::to_string(e.detail)};
  std::size_t field = 0;
  while (!pattern.empty()) {
    const std::size_t dot = pattern.find('.');
    const std::string_view part = pattern.substr(0, dot);
    if (part == "*") return true;
    if (field >= 3 || part != fields[field]) return false;
    ++field;
    if (dot == std::string_view::npos) break;
    pattern.remove_prefix(dot + 1);
  }
  return field == 3;
}

Judgement decide(Verdict v, Severity alt_severity, Severity level, std::string reason,
                 std::optional<std::size_t> matched = std::nullopt) {
  Judgement j;
  j.verdict = v;
  j.severity = v == Verdict::fail ? fail_severity(alt_severity, level) : Severity::none;
  j.reason = std::move(reason);
  j.matched = matched;
  return j;
}

Judgement from_alternative(const Alternative& alt, std::size_t index, Severity level, std::string_view seen) {
  std::string reason = alt.why.empty() ? "matched `" + render(alt) + "`" : alt.why;
  if (alt.verdict == Verdict::fail) reason += " (got " + std::string(seen) + ")";
  return decide(alt.verdict, alt.severity, level, std::move(reason), index);
}

// The first alternative of `kind` (closed or timeout), if any.
std::optional<std::size_t> find_kind(const std::vector<Alternative>& alts, Alternative::Kind kind) {
  for (std::size_t i = 0; i < alts.size(); ++i)
    if (alts[i].kind == kind) return i;
  return std::nullopt;
}

}  // namespace

DefaultExpectation default_expectation(Step::Kind kind) {
  switch (kind) {
    case Step::Kind::connect:
    case Step::Kind::starttls: return {220, 220, "220"};
    case Step::Kind::ehlo:
    case Step::Kind::ehlo_clear:
    case Step::Kind::helo:
    case Step::Kind::alive: return {250, 250, "250"};
    case Step::Kind::auth: return {235, 235, "235"};
    case Step::Kind::quit: return {221, 221, "221"};
    default: return {200, 399, "2xx/3xx"};
  }
}

bool code_matches(std::string_view pattern, int code) {
  if (pattern == "*") return true;
  if (pattern.size() != 3 || code < 100 || code > 999) return false;
  const std::string digits = std::to_string(code);
  for (std::size_t i = 0; i < 3; ++i) {
    const char p = pattern[i];
    if (p == 'x' || p == 'X') continue;
    if (!is_digit(p) || p != digits[i]) return false;
  }
  return true;
}

bool enhanced_matches(const std::optional<std::string>& pattern, const smtp::Reply& reply, bool check) {
  if (!pattern || !check) return true;
  if (*pattern == "-") return !reply.enhanced.has_value();
  if (!reply.enhanced) return false;
  return enhanced_pattern_matches(*pattern, *reply.enhanced);
}

std::string reply_text(const smtp::Reply& reply) {
  std::string out;
  for (std::size_t i = 0; i < reply.lines.size(); ++i) {
    if (i > 0) out += '\n';
    std::string_view line = reply.lines[i];
    if (i == 0) {
      line = reply.text_after_enhanced();
    } else if (reply.enhanced) {
      const smtp::EnhancedPrefix p = smtp::parse_enhanced_prefix(line);
      if (p.status && *p.status == *reply.enhanced) line.remove_prefix(p.text_start);
    }
    out += line;
  }
  return out;
}

std::string wire_text(const smtp::Reply& reply) {
  const std::string code = std::to_string(reply.code);
  std::string out;
  for (std::size_t i = 0; i < reply.lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += code;
    const bool last = i + 1 == reply.lines.size();
    if (!last) {
      out += '-';
    } else if (!reply.lines[i].empty() || !reply.leniency.has(smtp::Leniency::code_only_line)) {
      out += ' ';  // "334 " keeps its SP; only a code-only line ("250") has none
    }
    out += reply.lines[i];
  }
  if (reply.lines.empty()) out = code;
  return out;
}

std::string describe(const Observation& obs) {
  switch (obs.kind) {
    case Observation::Kind::reply: return wire_text(obs.reply);
    case Observation::Kind::malformed: return "malformed reply: " + obs.detail;
    case Observation::Kind::closed: return "connection closed";
    case Observation::Kind::timeout: return "no reply (timeout)";
    case Observation::Kind::error: return "network error: " + obs.detail;
  }
  return {};
}

std::string render(const Alternative& alt) {
  switch (alt.kind) {
    case Alternative::Kind::closed: return "closed";
    case Alternative::Kind::timeout: return "timeout";
    case Alternative::Kind::condition: return alt.condition;
    case Alternative::Kind::reply: break;
  }
  std::string s = alt.code;
  if (alt.enhanced) s += " " + *alt.enhanced;
  if (alt.text) s += " " + *alt.text;
  return s;
}

std::optional<Captures> matches(const Alternative& alt, const smtp::Reply& reply, bool check_enhanced) {
  if (alt.kind != Alternative::Kind::reply) return std::nullopt;
  if (!code_matches(alt.code, reply.code) || !enhanced_matches(alt.enhanced, reply, check_enhanced))
    return std::nullopt;
  if (!alt.text) return Captures{};
  return glob_match(*alt.text, reply_text(reply));
}

Judgement judge(const std::vector<Alternative>& alts, const Observation& obs, const DefaultExpectation& fallback,
                Severity level) {
  switch (obs.kind) {
    case Observation::Kind::malformed:
      // README: whatever the alternatives say (RPL-01..03, RFC 5321 §4.2).
      return decide(Verdict::fail, Severity::must, level,
                    "reply breaks RFC 5321 §4.2 syntax (RPL-01..03): " + obs.detail);
    case Observation::Kind::error:
      return decide(Verdict::inconclusive, Severity::none, level, "network error: " + obs.detail);
    case Observation::Kind::closed:
      if (auto i = find_kind(alts, Alternative::Kind::closed))
        return from_alternative(alts[*i], *i, level, "connection closed");
      return decide(Verdict::fail, Severity::none, level, "connection closed without a final reply (G3)");
    case Observation::Kind::timeout:
      if (auto i = find_kind(alts, Alternative::Kind::timeout))
        return from_alternative(alts[*i], *i, level, "no reply");
      return decide(Verdict::timeout, Severity::none, level, "no reply within the step timeout (G2)");
    case Observation::Kind::reply: break;
  }
  const smtp::Reply& r = obs.reply;
  const std::string seen = wire_text(r);
  if (!smtp::code_has_rfc5321_shape(r.code))
    return decide(Verdict::fail, Severity::must, level,
                  "reply code " + std::to_string(r.code) + " is outside RFC 5321 §4.2 (RPL-01)");

  // G7: a temporary reply says nothing about the property, unless the case asks about it.
  const bool temporary = r.code == 421 || (r.code == 454 && r.enhanced && *r.enhanced == smtp::EnhancedStatus{4, 7, 0});
  if (temporary) {
    bool named = false;
    for (const Alternative& a : alts)
      if (a.kind == Alternative::Kind::reply && a.code != "*" && code_matches(a.code, r.code) &&
          enhanced_matches(a.enhanced, r, obs.check_enhanced))
        named = true;
    if (!named) return decide(Verdict::inconclusive, Severity::none, level, "temporary reply (G7): " + seen);
  }

  for (std::size_t i = 0; i < alts.size(); ++i) {
    if (auto caps = matches(alts[i], r, obs.check_enhanced)) {
      Judgement j = from_alternative(alts[i], i, level, seen);
      j.captures = std::move(*caps);
      return j;
    }
  }
  if (!alts.empty()) return decide(Verdict::fail, Severity::none, level, "no expected alternative matched: " + seen);
  if (r.code >= fallback.min_code && r.code <= fallback.max_code)
    return decide(Verdict::pass, Severity::none, level, "default expectation " + std::string(fallback.pattern) + " met");
  return decide(Verdict::inconclusive, Severity::none, level,
                "default expectation " + std::string(fallback.pattern) + " not met: " + seen);
}

Severity fail_severity(Severity alternative, Severity level) {
  if (alternative != Severity::none) return alternative;
  return level == Severity::none ? Severity::must : level;
}

int rank(Verdict v) {
  switch (v) {
    case Verdict::pass: return 0;
    case Verdict::info: return 1;
    case Verdict::non_strict: return 2;
    case Verdict::skip: return 3;
    case Verdict::inconclusive: return 4;
    case Verdict::error: return 5;
    case Verdict::fail: return 6;
    case Verdict::timeout: return 7;
    case Verdict::crash: return 8;
  }
  return 5;
}

int rank(Severity s) {
  switch (s) {
    case Severity::none: return 0;
    case Severity::practice: return 1;
    case Severity::should: return 2;
    case Severity::must: return 3;
    case Severity::critical: return 4;
  }
  return 0;
}

bool worse(Verdict a, Severity sa, Verdict b, Severity sb) {
  if (rank(b) != rank(a)) return rank(b) > rank(a);
  return rank(sb) > rank(sa);
}

bool stops_case(Verdict v) {
  return v == Verdict::fail || v == Verdict::timeout || v == Verdict::crash || v == Verdict::error ||
         v == Verdict::inconclusive || v == Verdict::skip;
}

}  // namespace sah::scenario
