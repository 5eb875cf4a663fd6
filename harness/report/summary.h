// What every report format agrees on: a case's area, how bad its verdict is, the order cases
// are listed in, and the counts of a run. One place, so HTML and JUnit never disagree.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/results.h"

namespace sah::report {

// The case's first tag; without tags, the first dot-separated part of its id ("auth" for
// "auth.plain.b64.bad-char"); "other" when both are empty.
std::string area_of(const CaseResult& c);

// "—"-free key for the mechanism filter: the mechanism, or "(none)".
std::string mechanism_of(const CaseResult& c);

// fail, crash and timeout: what counts as a failure in every report.
bool is_failure(Verdict v);

// 0 = worst. crash, critical fail, timeout, must, should, practice (and unweighted) fails,
// error, inconclusive, non-strict, info, skip, pass.
int badness(const CaseResult& c);

// "fail (critical)", "pass", "non-strict"…
std::string verdict_label(const CaseResult& c);

// Cases worst first; ties keep the run's order.
std::vector<const CaseResult*> worst_first(const RunResult& run);

// Every verdict in display order, for legends and count tables.
const std::vector<Verdict>& all_verdicts();

// A plain-words explanation of each verdict (the legend, and the hover titles).
std::string_view verdict_meaning(Verdict v);

struct Counts {
  std::map<Verdict, std::size_t> by_verdict;  // every verdict present, 0 for none
  std::size_t total = 0;
  void add(Verdict v) {
    ++by_verdict[v];
    ++total;
  }
};

struct RunCounts {
  Counts all;
  std::map<std::string, Counts> by_area;
  std::map<std::string, Counts> by_mechanism;
};

RunCounts count(const RunResult& run);

// Milliseconds as "12 ms", "1.5 s", "2 min 3 s".
std::string human_duration(std::int64_t ms);

}  // namespace sah::report
