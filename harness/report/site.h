// Which pages `report` writes for a set of results files, and what is in them. Pure: the
// command line reads the files and writes the pages.
#pragma once

#include <string>
#include <vector>

#include "harness/base/results.h"

namespace sah::report {

struct Page {
  std::string file;  // a plain file name inside the output folder: [A-Za-z0-9._-] only
  std::string content;
};

// One run: index.html. Several: matrix.html plus one page per run, named after its input file
// ("results/mail1.json" → "mail1.html", made unique). With a baseline: diff.html for one run,
// diff-<name>.html for each of several.
// `names[i]` is the path the run was read from (only its file name is used).
std::vector<Page> render_site(const std::vector<RunResult>& runs, const std::vector<std::string>& names,
                              const RunResult* baseline = nullptr);

// "dir/My Run.json" → "My_Run": the stem of a path, reduced to [A-Za-z0-9._-]; a file named
// results.json is named after its folder ("out/postfix/results.json" → "postfix").
std::string page_stem(const std::string& path);

}  // namespace sah::report
