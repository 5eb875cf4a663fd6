// The project's index of the requirement catalogue (scenarios/requirements.tsv): every id a
// case may cite in `req`, its level (the default severity of a plain `fail`), its source clause,
// and whether a black-box case can check it at all.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/results.h"
#include "harness/scenario/diagnostic.h"

namespace sah::scenario {

struct Requirement {
  std::string id;        // "B64-02"
  std::string level;     // the catalogue's word: must, should, may, practice
  Severity severity = Severity::must;  // must/should/practice; MAY counts as practice
  std::string source;    // "RFC 4954 §4; RFC 4648 §3.3"
  std::string title;
  bool testable = true;
  std::string not_testable_because;  // when !testable
  Location at;
};

class RequirementIndex {
 public:
  // false when the id is already present.
  bool add(Requirement r);
  const Requirement* find(std::string_view id) const;
  const std::vector<Requirement>& all() const { return items_; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<Requirement> items_;
  std::map<std::string, std::size_t, std::less<>> by_id_;
};

struct RequirementIndexLoad {
  RequirementIndex index;
  std::vector<Diagnostic> diagnostics;  // empty: the file is valid
};

// The TSV columns, in order (the first non-comment line must name them exactly).
inline constexpr std::string_view kRequirementColumns = "id\tlevel\tsource\ttitle\ttestable";

RequirementIndexLoad parse_requirement_index(std::string_view text, const std::string& file_name);
RequirementIndexLoad load_requirement_index(const std::string& path);

// "B64-02": an upper-case area (digits allowed after its first letter), '-', a number.
bool is_requirement_id(std::string_view id);

// "must" -> must, "should" -> should, "may" and "practice" -> practice; none when unknown.
Severity severity_of_level(std::string_view level);

// The strongest of two severities (critical > must > should > practice > none).
Severity stronger(Severity a, Severity b);

}  // namespace sah::scenario
