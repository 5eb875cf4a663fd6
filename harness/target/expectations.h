// A profile's expectations file (targets/<name>/expectations.txt): the known deviations of a
// real server, so that its genuine non-conformance is recorded once, with the clause it breaks,
// instead of turning every CI run red. A run is then judged against the file: a verdict that
// differs from it (a deviation gone, a new one, any `error`) is what fails CI.
//
// Format, one deviation per line, fields separated by blanks, the explanation the rest:
//
//   # case-id                      verdict   clause      explanation
//   auth.plain.authzid-other-user  fail      RFC4616#2   logs in as the authentication identity
//
// A line whose first non-blank octet is '#' is a comment. Cases not listed are expected to
// give pass, skip or info.
//
// A server whose behaviour depends on timing (how TCP segments or TLS records happen to arrive)
// lists every verdict it gives, the deviation first, separated by '|':
//
//   limits.line-beyond-limit       fail|pass RFC4954#4   resynchronises only when the line arrives whole
//
// parse_expectations is pure and bounded (no I/O; sizes checked before use); every error is a
// value naming file:line:col.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/result.h"
#include "harness/base/results.h"
#include "harness/target/profile.h"

namespace sah::target {

inline constexpr std::size_t kMaxExpectationsBytes = 256 * 1024;
inline constexpr std::size_t kMaxExpectationsLine = 1024;

struct Deviation {
  std::string case_id;
  Verdict verdict = Verdict::fail;
  std::vector<Verdict> also;  // other verdicts the server gives on other runs (timing-dependent)
  std::string clause;
  std::string explanation;
  std::size_t line = 0;
  std::size_t col = 0;  // of the case id, for "unknown case" errors

  bool allows(Verdict v) const;
};

struct Expectations {
  std::string file;
  std::vector<Deviation> deviations;
  const Deviation* find(std::string_view case_id) const;
};

// The verdicts a deviation may name: what a server can do wrong. pass, skip and info are what
// unlisted cases give; error is always the harness's problem, never a server's deviation.
bool deviation_verdict(Verdict v);

Result<Expectations, ProfileError> parse_expectations(std::string_view text, std::string_view file_name);

// Reads and parses `path` (bounded by kMaxExpectationsBytes).
Result<Expectations, ProfileError> load_expectations(const std::string& path);

// Marks each listed case's result with its KnownDeviation and returns one line per verdict that
// differs from the file: a listed case with another verdict, an unlisted case that is not pass,
// skip or info, and every error. Listed cases that did not run (filtered out) are not compared.
std::vector<std::string> apply_expectations(const Expectations& e, RunResult& run);

}  // namespace sah::target
