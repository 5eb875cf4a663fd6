// One case block (after foreach substitution) -> one validated Case; every error goes to the
// report function with its line and offset. The file-level parser (parser.cc) groups lines into
// blocks, expands foreach tables and calls this once per row.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "harness/scenario/ast.h"
#include "harness/scenario/lexer.h"
#include "harness/scenario/parser.h"

namespace sah::scenario {

using CaseErrorReport = std::function<void(const MappedLine& line, std::size_t offset, std::string message)>;

// `lines` starts with the `case` line. `table_vars` are the foreach variables (already
// substituted). Returns false when the block had errors (then `out` is incomplete).
bool parse_case(const std::vector<MappedLine>& lines, const std::string& file, const ParseOptions& options,
                const std::set<std::string>& table_vars, CaseErrorReport report, Case& out);

}  // namespace sah::scenario
