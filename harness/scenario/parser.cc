#include "harness/scenario/parser.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <utility>

#include "harness/scenario/case_parser.h"
#include "harness/scenario/lexer.h"
#include "harness/scenario/template.h"

namespace sah::scenario {
namespace {

// A file: lines -> case blocks -> foreach tables -> parse_case per row.
class FileParser {
 public:
  FileParser(std::string file, const ParseOptions& options) : file_(std::move(file)), options_(options) {}

  ParseResult run(std::string_view text) {
    if (text.size() > kMaxFileSize) {
      add({file_, 1, 1}, "the file is larger than " + std::to_string(kMaxFileSize) + " octets");
      return finish();
    }
    split_lines(text);
    std::vector<std::vector<std::size_t>> blocks;
    bool orphan_reported = false;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      const std::string word = first_word(lines_[i].text);
      if (word.empty() || word.front() == '#') continue;
      if (word == "case") {
        blocks.emplace_back();
      } else if (blocks.empty()) {
        if (!orphan_reported)
          add({file_, lines_[i].number, first_col(lines_[i].text)},
              "expected 'case ID' (every case starts with a 'case' line), found '" + word + "'");
        orphan_reported = true;
        continue;
      }
      blocks.back().push_back(i);
    }
    for (const auto& b : blocks) {
      if (out_.cases.size() >= kMaxCasesPerFile) break;
      block(b);
    }
    return finish();
  }

 private:
  static std::string first_word(const std::string& s) {
    std::size_t b = 0;
    while (b < s.size() && is_blank(s[b])) ++b;
    std::size_t e = b;
    while (e < s.size() && !is_blank(s[e])) ++e;
    return s.substr(b, e - b);
  }
  static std::size_t first_col(const std::string& s) {
    std::size_t b = 0;
    while (b < s.size() && is_blank(s[b])) ++b;
    return b + 1;
  }

  void add(Location at, std::string message) {
    if (out_.diagnostics.size() > kMaxDiagnostics) return;
    if (out_.diagnostics.size() == kMaxDiagnostics) {
      out_.diagnostics.push_back({std::move(at), "too many errors; the rest of the file is not reported"});
      return;
    }
    std::string key = std::to_string(at.line) + ":" + std::to_string(at.col) + ":" + message;
    if (!seen_.insert(std::move(key)).second) return;
    out_.diagnostics.push_back({std::move(at), std::move(message)});
  }

  // Lines without their CR; an over-long line or a control octet is reported and the line
  // is then read as empty or as written, so that the rest of the file is still checked.
  void split_lines(std::string_view text) {
    std::size_t pos = 0, number = 0;
    while (pos < text.size()) {
      auto end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(pos, end - pos);
      pos = end + 1;
      ++number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() > kMaxLineLength) {
        add({file_, number, kMaxLineLength + 1}, "line longer than " + std::to_string(kMaxLineLength) + " octets");
        lines_.push_back(identity_line(number, ""));
        continue;
      }
      check_octets(number, line);
      lines_.push_back(identity_line(number, line));
    }
  }

  // UTF-8 text without control octets other than TAB (data octets are written as escapes).
  void check_octets(std::size_t number, std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x20 && c != '\t') {
        static const char* digits = "0123456789abcdef";
        add({file_, number, i + 1}, std::string("control octet 0x") + digits[c >> 4] + digits[c & 15] +
                                        " in the text: write it as an escape (\\r, \\n, \\t, \\0, \\xHH)");
        return;
      }
      if (c == 0x7f) {
        add({file_, number, i + 1}, "control octet 0x7f in the text: write it as \\x7f");
        return;
      }
      if (c < 0x80) {
        ++i;
        continue;
      }
      std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
      if (c >= 0xf5) len = 0;
      bool ok = len != 0 && i + len <= s.size();
      for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
      if (ok && len == 3) {
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);
      }
      if (ok && len == 4) {
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
      }
      if (!ok) {
        add({file_, number, i + 1}, "invalid UTF-8 (write octets as \\xHH escapes)");
        return;
      }
      i += len;
    }
  }

  struct Table {
    std::size_t line = 0, col = 0;  // the `foreach` keyword
    std::vector<std::string> vars;
    std::vector<std::pair<std::size_t, std::vector<std::string>>> rows;  // line number, values
    bool header_ok = false;
  };

  void block(const std::vector<std::size_t>& idx) {
    std::vector<MappedLine> body;
    std::optional<Table> table;
    for (std::size_t k = 0; k < idx.size(); ++k) {
      const MappedLine& l = lines_[idx[k]];
      if (first_word(l.text) != "foreach" || table) {
        body.push_back(l);
        continue;
      }
      table.emplace();
      k = read_table(idx, k, *table);
    }
    if (!table) {
      expand_row(body, {}, {}, 0);
      return;
    }
    if (!table->header_ok) return;  // reported; the body would only repeat the same errors
    // Each row re-reads the body: bound the work (rows x body octets), not only the rows.
    std::size_t body_octets = 0;
    for (const auto& l : body) body_octets += l.text.size() + 1;
    if (body_octets * table->rows.size() > kMaxExpandedOctets) {
      add({file_, table->line, table->col}, "the foreach table expands to more than " +
                                                std::to_string(kMaxExpandedOctets >> 20) +
                                                " MiB of case text (rows x the case's size)");
      return;
    }
    std::set<std::string> vars(table->vars.begin(), table->vars.end());
    for (const auto& [line, values] : table->rows) {
      if (out_.cases.size() >= kMaxCasesPerFile) {
        add({file_, line, 1}, "more than " + std::to_string(kMaxCasesPerFile) + " cases in one file");
        return;
      }
      std::map<std::string, std::string> row;
      for (std::size_t i = 0; i < values.size(); ++i) row[table->vars[i]] = values[i];
      std::vector<MappedLine> substituted;
      substituted.reserve(body.size());
      bool too_long = false;
      for (const auto& l : body) {
        substituted.push_back(substitute(l, row));
        if (substituted.back().too_long) {
          too_long = true;
          add({file_, l.number, 1}, "longer than " + std::to_string(kMaxSubstitutedLineLength) +
                                        " octets after foreach substitution (in the foreach row at line " +
                                        std::to_string(line) + ")");
        }
      }
      if (too_long) continue;
      expand_row(substituted, vars, row, line);
    }
  }

  // Reads `foreach VAR...`, its rows and `end` from idx[k]; returns the index of the last line used.
  std::size_t read_table(const std::vector<std::size_t>& idx, std::size_t k, Table& t) {
    const MappedLine& head = lines_[idx[k]];
    const std::size_t kb = first_col(head.text) - 1;
    t.line = head.number;
    t.col = kb + 1;
    Fields f = split_fields(head.text, kb + 7, true);
    bool ok = true;
    if (f.error) {
      add({file_, head.number, f.error->offset + 1}, f.error->message);
      ok = false;
    } else if (f.fields.empty()) {
      add({file_, head.number, f.end + 1}, "expected variable names after 'foreach'");
      ok = false;
    }
    for (const auto& x : f.fields) {
      if (!is_variable_name(x.text) || x.quoted) {
        add({file_, head.number, x.begin + 1}, "expected a variable name (a letter or '_', then letters, digits, '_'), found '" + x.text + "'");
        ok = false;
      } else if (builtin_variable_names().count(x.text) != 0 && x.text != "mech") {
        add({file_, head.number, x.begin + 1}, "the foreach variable '" + x.text + "' would hide the built-in variable $" + x.text);
        ok = false;
      } else if (std::find(t.vars.begin(), t.vars.end(), x.text) != t.vars.end()) {
        add({file_, head.number, x.begin + 1}, "duplicate foreach variable '" + x.text + "'");
        ok = false;
      } else {
        t.vars.push_back(x.text);
      }
    }
    std::size_t j = k + 1;
    bool closed = false;
    for (; j < idx.size(); ++j) {
      const MappedLine& l = lines_[idx[j]];
      const std::string word = first_word(l.text);
      if (word == "end") {
        Fields e = split_fields(l.text, first_col(l.text) - 1 + 3, true);
        if (!e.fields.empty()) add({file_, l.number, e.fields[0].begin + 1}, "'end' takes no arguments");
        closed = true;
        break;
      }
      Fields r = split_fields(l.text, 0, true);
      if (r.error) {
        add({file_, l.number, r.error->offset + 1}, r.error->message);
        continue;
      }
      if (r.fields.empty()) continue;
      if (ok && r.fields.size() != t.vars.size()) {
        std::string names;
        for (const auto& v : t.vars) names += (names.empty() ? "" : " ") + v;
        add({file_, l.number, r.fields.size() > t.vars.size() ? r.fields[t.vars.size()].begin + 1 : r.end + 1},
            "expected " + std::to_string(t.vars.size()) + " value" + (t.vars.size() == 1 ? "" : "s") + " (" + names +
                ") in this foreach row, found " + std::to_string(r.fields.size()) +
                " (quote a value that has blanks)");
        continue;
      }
      if (t.rows.size() >= kMaxForeachRows) {
        add({file_, l.number, 1}, "more than " + std::to_string(kMaxForeachRows) + " rows in a foreach table");
        ok = false;
        continue;
      }
      std::vector<std::string> values;
      for (auto& x : r.fields) values.push_back(std::move(x.text));
      t.rows.emplace_back(l.number, std::move(values));
    }
    if (!closed) {
      // The rest of the case was read as rows: expanding it would only repeat this error.
      add({file_, head.number, kb + 1}, "'foreach' table not closed by 'end'");
      ok = false;
    }
    if (ok && t.rows.empty() && closed) {
      add({file_, head.number, kb + 1}, "the 'foreach' table has no rows");
      ok = false;
    }
    t.header_ok = ok;
    return j;
  }

  void expand_row(const std::vector<MappedLine>& body, const std::set<std::string>& vars,
                  const std::map<std::string, std::string>& row, std::size_t row_line) {
    const bool in_row = !row.empty();
    auto report = [&](const MappedLine& l, std::size_t offset, std::string m) {
      if (in_row && l.from_value(offset)) m += " (in the foreach row at line " + std::to_string(row_line) + ")";
      add({file_, l.number, l.column(offset)}, std::move(m));
    };
    Case c;
    if (!parse_case(body, file_, options_, vars, report, c)) return;
    auto [it, fresh] = ids_.emplace(c.id, c.at.line);
    if (!fresh) {
      add(c.at, "duplicate case id '" + c.id + "' (first at line " + std::to_string(it->second) + ")");
      return;
    }
    out_.cases.push_back(std::move(c));
  }

  ParseResult finish() {
    // Sorted by position; a "too many errors" entry stays last.
    auto& d = out_.diagnostics;
    const auto end = d.size() > kMaxDiagnostics ? d.begin() + static_cast<std::ptrdiff_t>(kMaxDiagnostics) : d.end();
    std::stable_sort(d.begin(), end, [](const Diagnostic& a, const Diagnostic& b) {
      return a.at.line != b.at.line ? a.at.line < b.at.line : a.at.col < b.at.col;
    });
    return std::move(out_);
  }

  std::string file_;
  const ParseOptions& options_;
  std::vector<MappedLine> lines_;
  std::set<std::string> seen_;
  std::map<std::string, std::size_t> ids_;
  ParseResult out_;
};

}  // namespace

const std::set<std::string>& builtin_variable_names() {
  static const std::set<std::string> names = {"user",  "password", "user2", "password2", "nouser",
                                              "token", "host",     "domain", "mech"};
  return names;
}

ParseResult parse_text(std::string_view text, const std::string& file_name, const ParseOptions& options) {
  return FileParser(file_name, options).run(text);
}

ParseResult parse_file(const std::string& path, const ParseOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ParseResult r;
    r.diagnostics.push_back({{path, 0, 0}, "cannot open the file"});
    return r;
  }
  std::string text;
  text.resize(kMaxFileSize + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_text(text, path, options);
}

}  // namespace sah::scenario
