// The judge: pure functions that turn what a step observed into a verdict, following
// scenarios/README.md ("Expect patterns", the rules applied to every judged reply, default
// expectations) and DESIGN.md "Verdicts". No I/O: the interpreter gathers observations, the
// judge decides.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/results.h"
#include "harness/scenario/ast.h"
#include "harness/scenario/glob.h"
#include "harness/smtp/reply.h"

namespace sah::scenario {

// What a step saw instead of, or as, its reply.
struct Observation {
  enum class Kind {
    reply,      // a complete reply
    malformed,  // bytes that break RFC 5321 §4.2 reply syntax (the parser failed)
    closed,     // the server closed the connection before a final reply
    timeout,    // nothing (complete) within the step timeout
    error,      // a network error (reset, TLS failure): the property could not be observed
  };
  Kind kind = Kind::error;
  smtp::Reply reply;   // kind == reply
  std::string detail;  // malformed: what is wrong and where; error: what went wrong
  // Whether `x.y.z` patterns apply: only when the current EHLO reply advertised
  // ENHANCEDSTATUSCODES (RFC 2034 §3; catalogue notation {enh}). Otherwise they match anything.
  bool check_enhanced = true;

  static Observation of(smtp::Reply r) { return {Kind::reply, std::move(r), {}}; }
  static Observation malformed_reply(std::string why) { return {Kind::malformed, {}, std::move(why)}; }
  static Observation closed() { return {Kind::closed, {}, {}}; }
  static Observation timeout() { return {Kind::timeout, {}, {}}; }
  static Observation network_error(std::string what) { return {Kind::error, {}, std::move(what)}; }
};

// What a step without `expect` lines wants (README "Steps"): a code range.
struct DefaultExpectation {
  int min_code = 200;
  int max_code = 399;
  std::string_view pattern = "2xx/3xx";  // for reports
};
DefaultExpectation default_expectation(Step::Kind kind);

struct Judgement {
  Verdict verdict = Verdict::fail;
  Severity severity = Severity::none;  // set for fail only
  std::string reason;                  // one line, not yet masked
  std::optional<std::size_t> matched;  // the alternative that decided, if one did
  Captures captures;                   // from the matching TEXT glob
};

// `235`, `5xx`, `50x` (each character a digit or `x`), or `*`.
bool code_matches(std::string_view pattern, int code);
// nullopt: anything; "-": no (valid) enhanced code; "5.7.8", "5.7.*", "5.*". With `check`
// false (ENHANCEDSTATUSCODES not advertised) every pattern matches.
bool enhanced_matches(const std::optional<std::string>& pattern, const smtp::Reply& reply, bool check = true);
// The text a TEXT glob sees: all lines joined with LF, without codes and without the enhanced
// code of each line that repeats the first line's.
std::string reply_text(const smtp::Reply& reply);
// The reply as it came, one line per line ("250-a\n250 b"), for `observed`.
std::string wire_text(const smtp::Reply& reply);
// One line about the observation, for `observed` and reasons.
std::string describe(const Observation& obs);
// The alternative as written: "501 5.5.2 *", "closed", "timeout", "cap:AUTH".
std::string render(const Alternative& alt);
// Whether the reply alternative matches; the captures of its glob when it does.
std::optional<Captures> matches(const Alternative& alt, const smtp::Reply& reply, bool check_enhanced = true);

// The verdict of one judged reply step: the global rules first (malformed reply → fail must;
// 421 / 454 4.7.0 → inconclusive unless named; closed → fail unless named; nothing → timeout
// unless named; a network error → inconclusive), then the alternatives in order, and the
// default expectation when there are none. `level` is the case's level (severity of a plain
// fail).
Judgement judge(const std::vector<Alternative>& alternatives, const Observation& obs,
                const DefaultExpectation& fallback, Severity level);

// A fail's severity: the alternative's, else the case's level.
Severity fail_severity(Severity alternative, Severity level);

// Ranking, worst last: pass < info < non-strict < skip < inconclusive < error < fail < timeout
// < crash; fails rank among themselves by severity (critical worst).
int rank(Verdict v);
int rank(Severity s);  // none 0, practice 1, should 2, must 3, critical 4
// Whether `b` is worse than `a` (verdict first, then a fail's severity).
bool worse(Verdict a, Severity sa, Verdict b, Severity sb);
// The case stops at the first step with one of these (fail, timeout, crash, error, inconclusive).
bool stops_case(Verdict v);

}  // namespace sah::scenario
