#include "harness/cli/run_console.h"

#include <map>
#include <string>

namespace sah::cli {

namespace {

std::string label(const CaseResult& c) {
  std::string s(to_string(c.verdict));
  if (c.verdict == Verdict::fail && c.severity != Severity::none) s += " " + std::string(to_string(c.severity));
  return s;
}

constexpr Verdict kOrder[] = {Verdict::pass,  Verdict::non_strict, Verdict::info,  Verdict::skip,   Verdict::inconclusive,
                              Verdict::error, Verdict::fail,       Verdict::crash, Verdict::timeout};

}  // namespace

void RunConsole::header(const RunResult& run, std::size_t cases) const {
  std::fprintf(out_, "target: %s, tls %s, %zu case(s)\n", run.target.c_str(), run.tls.c_str(), cases);
}

void RunConsole::case_done(const CaseResult& c, std::size_t done, std::size_t total) const {
  if (terminal_) {
    // One line rewritten in place; findings also get a line of their own so they stay visible.
    if (c.verdict == Verdict::fail || c.verdict == Verdict::crash || c.verdict == Verdict::timeout ||
        c.verdict == Verdict::error)
      std::fprintf(out_, "\r\033[K%s %s (%s)\n", label(c).c_str(), c.id.c_str(), c.reason.c_str());
    std::fprintf(out_, "\r\033[K[%zu/%zu] %s %s", done, total, label(c).c_str(), c.id.c_str());
  } else {
    std::fprintf(out_, "%s %s (%s)\n", label(c).c_str(), c.id.c_str(), c.reason.c_str());
  }
  std::fflush(out_);
}

void RunConsole::summary(const RunResult& run) const {
  std::map<Verdict, std::size_t> counts;
  std::map<Severity, std::size_t> fails;
  for (const CaseResult& c : run.cases) {
    ++counts[c.verdict];
    if (c.verdict == Verdict::fail) ++fails[c.severity];
  }
  if (terminal_) {
    std::fprintf(out_, "\r\033[K\n%-14s %6s\n", "verdict", "cases");
    for (Verdict v : kOrder) {
      if (counts[v] == 0) continue;
      std::fprintf(out_, "%-14s %6zu\n", std::string(to_string(v)).c_str(), counts[v]);
      if (v == Verdict::fail)
        for (Severity s : {Severity::critical, Severity::must, Severity::should, Severity::practice})
          if (fails[s] > 0) std::fprintf(out_, "  %-12s %6zu\n", std::string(to_string(s)).c_str(), fails[s]);
    }
    std::fprintf(out_, "%-14s %6zu\n", "total", run.cases.size());
  } else {
    std::string line = "summary:";
    for (Verdict v : kOrder)
      if (counts[v] > 0) line += " " + std::string(to_string(v)) + " " + std::to_string(counts[v]);
    std::fprintf(out_, "%s (%zu cases)\n", line.c_str(), run.cases.size());
  }
  if (run.interrupted) std::fprintf(out_, "interrupted: the results are partial\n");
  std::fflush(out_);
}

}  // namespace sah::cli
