// An error found in a scenario or data file, reported as `file:line:col: message`
// (scenarios/README.md "Lexical rules"). Lines and columns are 1-based; columns count octets.
#pragma once

#include <string>
#include <vector>

#include "harness/scenario/ast.h"

namespace sah::scenario {

struct Diagnostic {
  Location at;
  std::string message;
};

// Line 0 means "the whole file" (it could not be read): `file: message`.
inline std::string format(const Diagnostic& d) {
  if (d.at.line == 0) return d.at.file + ": " + d.message;
  return d.at.file + ":" + std::to_string(d.at.line) + ":" + std::to_string(d.at.col) + ": " +
         d.message;
}

inline bool operator==(const Location& a, const Location& b) {
  return a.file == b.file && a.line == b.line && a.col == b.col;
}

}  // namespace sah::scenario
