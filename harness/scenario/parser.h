// The scenario parser (grammar: scenarios/README.md): text -> validated, foreach-expanded
// Cases, plus every error of the file as `file:line:col: message`. Pure: never throws on bad
// input, never does I/O except parse_file's one bounded read, and bounds its work (file size,
// line length, foreach rows, cases per file), so it can be fuzzed.
#pragma once

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/ast.h"
#include "harness/scenario/diagnostic.h"
#include "harness/scenario/requirements.h"

namespace sah::scenario {

inline constexpr std::size_t kMaxForeachRows = 10000;
inline constexpr std::size_t kMaxCasesPerFile = 10000;
inline constexpr std::size_t kMaxExpandedOctets = 64u << 20;  // foreach rows x case text read
inline constexpr std::size_t kMaxDiagnostics = 1000;          // per file; then one "too many errors"
inline constexpr std::size_t kMaxAuthStep = 63;     // malform= / cancel= / raw= STEP
inline constexpr unsigned kMaxWaitMs = 10000;       // `wait MS` (README)
// `wait MS` in a case that declares `needs optional` (run only on request, e.g. LIM-04's idle
// minute): up to RFC 5321 §4.5.3.2.7's five-minute server timeout and a minute more. Other
// cases stay at kMaxWaitMs, since `--jobs` runs the catalogue's waits side by side.
inline constexpr unsigned kMaxOptionalWaitMs = 360000;
inline constexpr unsigned kMaxSilentMs = 600000;    // `silent MS`, `timeout MS`
// `repeat N`: LIM-06's hundred abandoned exchanges, with room; a bound on the interpreter's
// work, since each round may open a connection.
inline constexpr unsigned kMaxRepeatRounds = 1000;

struct ParseOptions {
  // Requirement ids a `req` line may cite and their levels (the default `level`); nullptr:
  // ids are checked for syntax only and the default level is must.
  const RequirementIndex* requirements = nullptr;
  // Whether a `fault` name exists; empty: the built-in server's table (server::find_fault).
  std::function<bool(std::string_view)> fault_known;
};

struct ParseResult {
  std::vector<Case> cases;              // only cases without errors
  std::vector<Diagnostic> diagnostics;  // sorted by line and column
  bool ok() const { return diagnostics.empty(); }
};

ParseResult parse_text(std::string_view text, const std::string& file_name, const ParseOptions& options = {});
ParseResult parse_file(const std::string& path, const ParseOptions& options = {});

// $user $password $user2 $password2 $nouser $token $host $domain $mech.
const std::set<std::string>& builtin_variable_names();

}  // namespace sah::scenario
