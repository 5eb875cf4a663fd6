// A live-fuzzing session plan: the client's side of one SMTP conversation as a list of steps,
// each either raw octets (a scenario `send-raw`), a real SASL exchange through the harness's
// client mechanism with at most one client message replaced or corrupted (a scenario `auth`),
// or a STARTTLS upgrade. Text is scenario template source (scenarios/README.md "Text,
// variables and macros"): credentials appear as $user / $password, so a plan renders into a
// scenario file that holds no secret and that `run` executes exactly as the fuzzer did.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "harness/scenario/ast.h"

namespace sah::scenario::fuzz {

struct PlanStep {
  enum class Kind { send, auth, starttls };
  Kind kind = Kind::send;
  // send: template source of the octets, sent verbatim; the generator ends every line with
  // "\r\n" (written as the escape) unless it leaves a line open on purpose.
  std::string text;
  AuthOptions auth;  // auth
  // The step carries credentials a correct server must refuse (a wrong password, a corrupted
  // proof, a malformed encoding): 235 to it is an authentication bypass (RFC 4954 §4, §6).
  bool bad_credentials = false;
  // send: the text is "*" answering a 334; auth: cancel_step is set. RFC 4954 §4: the server
  // must reject the exchange (501), so 2xx or 3xx to it is a finding.
  bool cancel = false;
  std::string layer;  // the mutation layer that made the step ("smtp", "base64", "mechanism"), for reports
};

struct Plan {
  std::vector<PlanStep> steps;
};

// The arguments of an `auth` step as a scenario writes them: "PLAIN no-ir corrupt=wrong-user".
std::string render_auth_arguments(const AuthOptions& a);
// One step as scenario step text (one line, no expect lines, no trailing LF).
std::string render_step(const PlanStep& s);
// FNV-1a over the rendered steps, 16 hex digits: the name of a finding file.
std::string plan_hash(const Plan& p);
// Whether the template source ends a line: its last escape is "\r\n".
bool ends_line(const std::string& source);
// How many "\r\n" escapes the source holds: the replies a correct server owes it.
std::size_t line_count(const std::string& source);

}  // namespace sah::scenario::fuzz
