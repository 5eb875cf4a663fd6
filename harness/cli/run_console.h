// What `run` prints while it works: on a terminal a progress line and, at the end, a table of
// counts per verdict; otherwise (CI logs, pipes) one line per case: `verdict id (reason)`.
// Only case ids, verdicts and reasons are printed: reasons are masked by the interpreter.
#pragma once

#include <cstddef>
#include <cstdio>

#include "harness/base/results.h"

namespace sah::cli {

class RunConsole {
 public:
  RunConsole(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

  void header(const RunResult& run, std::size_t cases) const;
  void case_done(const CaseResult& c, std::size_t done, std::size_t total) const;
  void summary(const RunResult& run) const;
  bool terminal() const { return terminal_; }

 private:
  std::FILE* out_;
  bool terminal_;
};

}  // namespace sah::cli
