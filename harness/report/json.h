// Writes a run's results as JSON, schema 1: the source of truth every other report is
// rendered from (json_read.h reads it back). Fields are documented in reports/README.md.
#pragma once

#include <string>

#include "harness/base/results.h"

namespace sah::report {

// The whole document, pretty-printed (`indent` spaces; -1: one line). Octets that are not
// UTF-8 (transcripts of hostile servers) become U+FFFD: the document is always valid JSON.
std::string results_json(const RunResult& run, int indent = 2);

}  // namespace sah::report
