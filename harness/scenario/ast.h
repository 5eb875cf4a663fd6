// The scenario language's syntax tree (grammar: scenarios/README.md). A parsed Case is
// already expanded (one Case per foreach row) and validated; text with variables and
// macros is kept as Template and expanded by the interpreter at run time.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/base/results.h"
#include "harness/net/tls_mode.h"

namespace sah::scenario {

struct Location {
  std::string file;
  std::size_t line = 0;
  std::size_t col = 0;  // 1-based, in octets
};

// Text with $variables and %macros%, kept unexpanded (variables are known only at run time).
// The parser has already checked its syntax, macro names, malformer names and variable names.
struct Template {
  std::string source;  // as written (after foreach substitution)
  Location at;
};

// One alternative of an `expect` (or `check`) group.
struct Alternative {
  enum class Kind { reply, closed, timeout, condition };
  Kind kind = Kind::reply;
  // reply
  std::string code = "*";               // "235", "5xx", "*"
  std::optional<std::string> enhanced;  // "5.7.8", "5.*", "-" (none); nullopt: not checked
  std::optional<std::string> text;      // glob with optional $captures; nullopt: anything
  // condition (check)
  std::string condition;                // "cap:STARTTLS", "!mech:PLAIN", "$a != $b", "*"
  Verdict verdict = Verdict::fail;
  Severity severity = Severity::none;   // for fail; none: the case's level
  std::string why;
  Location at;
};

struct AuthOptions {
  std::string mechanism;                   // as written, e.g. "CRAM-MD5" or "$mech"
  std::optional<bool> initial_response;    // ir / no-ir; nullopt: the default
  std::optional<Template> user, password, authzid, token;
  std::string corruption;                  // corrupt=NAME
  std::optional<std::size_t> malform_step; // malform=STEP:NAME
  std::string malformer;
  std::optional<std::size_t> cancel_step;  // cancel=STEP
  std::optional<std::size_t> raw_step;     // raw=STEP:TEXT
  std::optional<Template> raw_text;
};

struct Step {
  enum class Kind {
    connect, ehlo, ehlo_clear, helo, starttls, send, send_raw, read, auth,
    alive, closed, silent, quit, reconnect, wait, check,
    handshake,  // TLS handshake now, after a 220 to a STARTTLS written by send / send-raw
    repeat      // `repeat N` … `end`: the steps of `body`, N times over (LIM-06)
  };
  Kind kind = Kind::connect;
  Location at;
  std::optional<Template> text;      // send / send-raw / ehlo / helo argument
  AuthOptions auth;                  // auth
  unsigned millis = 0;               // silent / wait
  net::TlsVersionRange tls_versions; // handshake min=V max=V: the versions this handshake offers
  std::vector<Alternative> expect;   // expect lines after a reply step or silent, or the check group
  unsigned count = 0;                // repeat: how many times the body runs (1 to kMaxRepeatRounds)
  std::vector<Step> body;            // repeat: its steps (no repeat among them: blocks do not nest)
};

struct Need {
  bool negated = false;
  std::string what;  // "mech:PLAIN", "account", "tls", "enh" …
};

struct Case {
  std::string id;
  std::string title;
  std::vector<std::string> requirements;
  std::vector<std::string> rfc;
  std::vector<std::string> tags;
  std::vector<Need> needs;
  std::vector<std::string> faults;
  // `fault NAME... => VERDICT`: the verdict the case must give under those faults when it is
  // not `fail` (e.g. non-strict for a deviation the catalogue tolerates); absent: fail.
  std::map<std::string, Verdict> fault_verdicts;
  Severity level = Severity::must;
  std::string mechanism;
  std::optional<unsigned> timeout_ms;
  std::vector<Step> steps;
  Location at;  // the `case` line
};

}  // namespace sah::scenario
