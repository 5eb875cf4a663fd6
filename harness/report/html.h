// The HTML reports: one self-contained page per run (index.html), a matrix of several runs,
// and a diff against a baseline. Pages inline their style and script, fetch nothing, carry a
// Content-Security-Policy that only admits those inline blocks (by hash), and show every
// server-supplied string escaped through html_escape().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/base/results.h"

namespace sah::report {

// The page for one run: header (target, greeting, mechanisms, TLS, version, date, duration,
// an "interrupted" banner), counts by verdict / area / mechanism with bar charts, the
// filterable case list worst first, each case expandable to its transcript and server log,
// and the verdict legend.
std::string render_html(const RunResult& run);

// Targets × cases: one column per run, one row per case id, a coloured verdict cell with the
// reason as hover title. `pages[i]`, when given and not empty, is a relative link to run i's
// own page (a file name made by the caller, not taken from the results).
std::string render_matrix(const std::vector<RunResult>& runs, const std::vector<std::string>& pages = {});

// What changed since `baseline`, by case id.
struct DiffEntry {
  std::string id;
  const CaseResult* now = nullptr;     // null: the case is gone
  const CaseResult* before = nullptr;  // null: the case is new
};
struct Diff {
  std::vector<DiffEntry> new_failures;  // now fail/crash/timeout, before not (or absent)
  std::vector<DiffEntry> fixed;         // before fail/crash/timeout, now pass or non-strict
  std::vector<DiffEntry> changed;       // any other change of verdict or severity, new and gone cases
  std::size_t unchanged = 0;
};
Diff compute_diff(const RunResult& now, const RunResult& baseline);
std::string render_diff(const RunResult& now, const RunResult& baseline);

// A link target for an RFC clause: "RFC4954#4" → https://www.rfc-editor.org/rfc/rfc4954#section-4,
// "RFC4954" → the RFC, "RFC4648#A" → #appendix-A, "draft-name#2.1" → its datatracker page;
// "" for anything else (MS-NLMP and free text are shown without a link).
std::string clause_url(std::string_view clause);

}  // namespace sah::report
