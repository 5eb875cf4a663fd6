// Text with $variables, escapes and %macros% (scenarios/README.md "Text, variables and macros").
// The parser checks a template once with check_template (exact columns); the interpreter
// expands it at run time with expand, when the variables' values are known.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/base/result.h"
#include "harness/scenario/ast.h"
#include "harness/scenario/diagnostic.h"

namespace sah::scenario {

// Part of the error text when a Base64 malformer cannot be made from the given value (e.g.
// missing-padding of an encoding without padding): the interpreter turns it into `skip`.
inline constexpr std::string_view kMalformerNotApplicable = "does not apply to this text";

// Bounds, checked before the output grows (a scenario file is untrusted input to the parser
// and its fuzzer): the largest expansion, the largest %repeat count, the deepest nesting.
inline constexpr std::size_t kMaxExpansion = 16u << 20;
inline constexpr std::size_t kMaxRepeat = 1000000;
inline constexpr std::size_t kMaxMacroDepth = 16;

// A variable name: a letter or `_`, then letters, digits, `_`.
bool is_variable_name(std::string_view name);

// The expanded octets, or why expansion failed (an unset variable, a malformer that does not
// apply to this text, an output over kMaxExpansion). Error texts never contain a variable's
// value: values may be secrets.
Result<Bytes, std::string> expand(const Template& t, const std::map<std::string, std::string>& vars);

// Every problem of the template's syntax, macro and malformer names, and every variable not in
// `known_vars`; columns point into t.at's line (t.at is where t.source starts).
std::vector<Diagnostic> check_template(const Template& t, const std::set<std::string>& known_vars);

// The names of the variables the template uses, in order of appearance (syntax errors ignored).
std::vector<std::string> template_variables(std::string_view source);

}  // namespace sah::scenario
