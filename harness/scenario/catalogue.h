// The catalogue: every `*.scn` file under one or more directories, parsed in a fixed order
// (sorted paths), merged, with case ids unique across all files; and the selection helpers
// behind `--cases`, `--tags` and `--mech`.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/ast.h"
#include "harness/scenario/diagnostic.h"
#include "harness/scenario/parser.h"
#include "harness/scenario/requirements.h"

namespace sah::scenario {

inline constexpr std::string_view kRequirementIndexFile = "requirements.tsv";
inline constexpr std::size_t kMaxCatalogueFiles = 10000;

struct FileDiagnostics {
  std::string file;
  std::vector<Diagnostic> diagnostics;
};

struct Catalogue {
  std::vector<Case> cases;                 // files in sorted order, cases in file order
  std::vector<std::string> files;          // every .scn read
  std::vector<FileDiagnostics> problems;   // per file with errors (and the index / directories)
  // The index the cases were checked against: ParseOptions::requirements when given, else
  // the first `requirements.tsv` found in a scenario directory or its parent; null: none.
  std::shared_ptr<const RequirementIndex> requirements;
  std::size_t error_count() const;
};

// `options.requirements` may be null (see Catalogue::requirements); a missing directory, an
// unreadable or invalid index are reported in `problems`.
Catalogue load_catalogue(const std::vector<std::string>& directories, const ParseOptions& options = {});

// Adds "duplicate case id" errors for ids seen in an earlier file and drops those cases.
void check_unique_ids(Catalogue& catalogue);

// --cases: comma-separated globs over ids (`*` any run, `?` one octet); a glob starting with
// `!` excludes. --tags: comma-separated, a case with any of them. --mech: comma-separated,
// case-insensitive; cases about no particular mechanism (or about `$mech`) are kept.
struct Selection {
  std::vector<std::string> include, exclude;
  std::vector<std::string> tags;
  std::vector<std::string> mechanisms;
};

Selection make_selection(std::string_view cases, std::string_view tags, std::string_view mechanisms);
bool id_glob_match(std::string_view glob, std::string_view id);
bool selected(const Case& c, const Selection& s);
std::vector<const Case*> select_cases(const std::vector<Case>& cases, const Selection& s);

std::vector<std::string> split_list(std::string_view csv);

// Where the scenarios are when no --scenarios is given, first match wins:
//   ./scenarios                                         (a checkout, the usual case)
//   <exe dir>/../share/smtp-auth-harness/scenarios      (installed under a prefix)
//   <exe dir>/../../scenarios, <exe dir>/../../../scenarios
//                                  (a build tree inside the checkout: build/<preset>/harness/)
// `exe` is the executable's path (empty: /proc/self/exe). Empty result: none found.
std::string default_scenario_directory(const std::string& exe = {});

}  // namespace sah::scenario
