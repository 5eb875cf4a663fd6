// Shared fixtures of the scenario-language tests: a small requirement index and helpers that
// turn a parse into `line:col: message` strings (the file name is left out for brevity).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/parser.h"
#include "harness/scenario/requirements.h"

namespace sah::scenario::testing {

inline const RequirementIndex& test_index() {
  static const RequirementIndex index = [] {
    auto load = parse_requirement_index(
        "id\tlevel\tsource\ttitle\ttestable\n"
        "B64-02\tmust\tRFC 4954 §4\tNon-alphabet character\tyes\n"
        "B64-04\tmust\tRFC 4954 §4\tPad inside\tyes\n"
        "B64-09\tmay\tRFC 4648 §3.5\tNon-zero pad bits\tyes\n"
        "RPL-05\tshould\tRFC 5321 §4.5.3.1.5\tReply line length\tyes\n"
        "CAP-04\tpractice\tRFC 5321 §4.1.1.1\tLegacy AUTH= line\tyes\n"
        "CRAM-02\tmust\tRFC 2195 §2\tFresh challenge\tyes\n",
        "test.tsv");
    return load.index;
  }();
  return index;
}

inline ParseOptions test_parse_options() {
  ParseOptions o;
  o.requirements = &test_index();
  return o;
}

// "line:col: message" of every diagnostic.
inline std::vector<std::string> short_diagnostics(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics)
    out.push_back(std::to_string(d.at.line) + ":" + std::to_string(d.at.col) + ": " + d.message);
  return out;
}

inline ParseResult parse(std::string_view text) { return parse_text(text, "t.scn", test_parse_options()); }

// A valid header block; tests append steps to it.
inline std::string header(std::string_view id = "a.b") {
  return "case " + std::string(id) +
         "\n"
         "title T\n"
         "req B64-02\n"
         "rfc RFC4954#4\n"
         "fault b64-skip-illegal\n";
}

}  // namespace sah::scenario::testing
