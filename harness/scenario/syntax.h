// The small pieces of the scenario grammar (scenarios/README.md): keyword tables, the shapes of
// ids, tags, clauses, mechanism names, reply-code and enhanced-code patterns, and the captures of
// an expect TEXT. Shared by the case parser and its tests; pure and allocation-bounded.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/base/results.h"
#include "harness/scenario/ast.h"
#include "harness/scenario/lexer.h"

namespace sah::scenario::syntax {

inline constexpr std::string_view kVerdicts = "pass, non-strict, fail, info, inconclusive";
inline constexpr std::string_view kReplySteps =
    "connect, ehlo, ehlo-clear, helo, starttls, send, send-raw, read, auth, silent";
inline constexpr std::string_view kConditions =
    "cap:KEYWORD, mech:NAME, auth-form:legacy, auth-form:standard, mechs-valid, mechs-upper, tls, b64-canonical:TEXT, "
    "json-object:TEXT, cram-challenge:TEXT, printable:TEXT, digest-challenge:TEXT, ntlm-challenge:TEXT, "
    "scram-iterations:TEXT, $a == $b, $a != $b, *";
inline constexpr std::string_view kNeeds =
    "mech:NAME, account, account2, token, tls, starttls, implicit, enh, pipelining, chunking, submission, "
    "txn, optional";
// $challenge1 … after an `auth` step; no mechanism of the registry needs more round trips.
inline constexpr std::size_t kMaxChallengeVariables = 32;

const std::vector<std::string_view>& header_keywords();
const std::map<std::string_view, Step::Kind>& step_keywords();
// Steps whose reply `expect` lines judge (and `silent`, whose alternatives judge what arrives).
bool produces_reply(Step::Kind k);
// The verdicts a scenario may name; skip, error, crash and timeout are the harness's own.
bool judging_verdict(Verdict v);
// Built-in steps that judge by themselves (alive, closed, silent, quit, handshake).
bool judged_by_itself(Step::Kind k);
// The index of the first unquoted `=>` field.
std::optional<std::size_t> arrow(const std::vector<Field>& fs);
// ID: lower-case words of letters, digits and `-`, joined by `.`.
bool valid_case_id(std::string_view id);
bool valid_tag(std::string_view t);
// RFC4954#4, RFC4648#3.3, MS-NLMP#3.2.5, draft-murchison-sasl-login#2.1, RFC4422#A.
bool valid_rfc_ref(std::string_view r);
// RFC 4422 §3.1: 1 to 20 of A-Z 0-9 - _ (written in any case: RFC 4954 §8).
bool valid_mechanism_name(std::string_view m);
// A decimal number of at most `max`; nullopt otherwise.
std::optional<unsigned long> parse_number(std::string_view s, unsigned long max);
// 5.7.8, 5.7.*, 5.*, or - (none).
bool valid_enhanced_pattern(std::string_view e);
// Whether a field is meant as an enhanced-code pattern (a digit and '.', or '-').
bool looks_enhanced(std::string_view f);
// Three of 0-9 or x, or `*`.
bool valid_code_pattern(std::string_view c);
// The `$name` / `${name}` captures of an expect TEXT with their offsets, read as glob.h reads them.
std::vector<std::pair<std::string, std::size_t>> captures_of(std::string_view p);
// "PLAIN, LOGIN, …" for messages.
std::string known_mechanisms();

}  // namespace sah::scenario::syntax
