// Reads a results file (schema 1, written by json.cc) back into a RunResult, so `report` can
// re-render HTML, JUnit, matrices and diffs at any time. Every error names the file and the
// place inside it: "run.json: cases[3].verdict: unknown verdict \"passed\"".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "harness/base/result.h"
#include "harness/base/results.h"

namespace sah::report {

// Results files larger than this are refused before they are read (a run of 10,000 cases
// with full transcripts is well under 100 MB).
inline constexpr std::size_t kMaxResultsFile = 512u * 1024u * 1024u;

// `name` is only used in error messages.
Result<RunResult, std::string> read_results(std::string_view json_text, std::string_view name);
Result<RunResult, std::string> read_results_file(const std::string& path);

// The JSON names of transcript entry kinds ("client", "server", "tls", "note", "closed",
// "timeout", "error").
std::string_view kind_name(TranscriptEntry::Kind k);

}  // namespace sah::report
