// The scenario language's lexical layer (scenarios/README.md "Lexical rules"): lines, blank-
// separated fields, quoted strings, trailing comments, and the textual `$var` substitution of
// foreach tables with a map back to the columns as written.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sah::scenario {

inline constexpr std::size_t kMaxFileSize = 4u << 20;
inline constexpr std::size_t kMaxLineLength = 64u << 10;
// A line after foreach substitution (values may repeat a variable many times).
inline constexpr std::size_t kMaxSubstitutedLineLength = 4 * kMaxLineLength;

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

// One field of a line. Offsets are 0-based into the line; `text` is the value (unquoted).
struct Field {
  std::string text;
  std::size_t begin = 0;  // first octet (the opening quote when quoted)
  std::size_t end = 0;    // one past the last octet (the closing quote when quoted)
  bool quoted = false;
};

struct LexError {
  std::size_t offset = 0;
  std::string message;
};

struct Fields {
  std::vector<Field> fields;
  std::optional<LexError> error;  // the first lexical error; fields before it are kept
  std::size_t end = 0;            // where the fields end (a trailing comment or the line's end)
};

// Splits `line` from `from` into fields. Blanks separate fields; a field that starts with `"`
// is a quoted string (`\"` and `\\` inside) and must be followed by a blank or the end. With
// `trailing_comment`, an unquoted field that starts with `#` ends the line.
Fields split_fields(std::string_view line, std::size_t from, bool trailing_comment);

// A line after foreach substitution, with each octet's column in the line as written.
struct MappedLine {
  std::size_t number = 0;      // 1-based line number
  std::string text;            // CR removed
  std::vector<std::size_t> col;       // col[i]: 1-based column of text[i] as written; size()+1 entries
  std::vector<bool> substituted;      // text[i] comes from a foreach value
  bool too_long = false;              // substitution stopped at kMaxSubstitutedLineLength
  std::size_t column(std::size_t offset) const {
    return col.empty() ? offset + 1 : col[offset < col.size() ? offset : col.size() - 1];
  }
  bool from_value(std::size_t offset) const {
    return offset < substituted.size() && substituted[offset];
  }
};

MappedLine identity_line(std::size_t number, std::string_view text);

// Replaces every `$name` and `${name}` whose name is in `values` (a `\$` is left alone), so a
// row's values reach every header and step line. Other variables stay for run time. Stops (and
// sets too_long) when the result would exceed kMaxSubstitutedLineLength.
MappedLine substitute(const MappedLine& line, const std::map<std::string, std::string>& values);

}  // namespace sah::scenario
