// JUnit XML for CI (Jenkins, GitLab, GitHub test reporters): one <testsuite> per area (a
// case's first tag), one <testcase> per case. fail, crash and timeout are <failure>s whose
// type is "verdict/severity" and whose text is expected against observed (h2spec's shape);
// error is <error>; skip is <skipped>; non-strict, info and inconclusive pass with a note in
// <system-out>. Text is XML-escaped and stripped of what XML 1.0 forbids (xml_escape).
#pragma once

#include <string>
#include <vector>

#include "harness/base/results.h"

namespace sah::report {

std::string render_junit(const RunResult& run);

// Several runs in one file: suites are named "<target> / <area>".
std::string render_junit(const std::vector<RunResult>& runs);

}  // namespace sah::report
