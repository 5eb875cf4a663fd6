#include "harness/target/expectations.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>

namespace sah::target {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

// Case ids are the scenario language's: letters, digits, '.', '_', '-'.
bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

// The next blank-separated field at or after `i`; `i` moves past it.
std::string_view next_field(std::string_view line, std::size_t& i, std::size_t& col) {
  while (i < line.size() && blank(line[i])) ++i;
  col = i + 1;
  const std::size_t start = i;
  while (i < line.size() && !blank(line[i])) ++i;
  return line.substr(start, i - start);
}

std::string describe_clause(const std::string& verdicts, const std::string& clause) {
  return verdicts + (clause.empty() ? "" : " (" + clause + ")");
}

std::string describe(Verdict v, const std::string& clause) { return describe_clause(std::string(to_string(v)), clause); }

std::string describe(const Deviation& d) {
  std::string verdicts(to_string(d.verdict));
  for (Verdict v : d.also) verdicts += std::string("|") + std::string(to_string(v));
  return describe_clause(verdicts, d.clause);
}

}  // namespace

bool Deviation::allows(Verdict v) const {
  if (v == verdict) return true;
  for (Verdict other : also)
    if (v == other) return true;
  return false;
}

const Deviation* Expectations::find(std::string_view case_id) const {
  for (const Deviation& d : deviations)
    if (d.case_id == case_id) return &d;
  return nullptr;
}

bool deviation_verdict(Verdict v) {
  return v == Verdict::non_strict || v == Verdict::fail || v == Verdict::inconclusive || v == Verdict::timeout ||
         v == Verdict::crash;
}

Result<Expectations, ProfileError> parse_expectations(std::string_view text, std::string_view file_name) {
  const std::string file(file_name);
  auto fail = [&](std::size_t line, std::size_t col, std::string message) {
    return unexpected(ProfileError{file, line, col, std::move(message)});
  };
  if (text.size() > kMaxExpectationsBytes)
    return fail(1, 1, "file too large (over " + std::to_string(kMaxExpectationsBytes) + " octets)");

  Expectations out;
  out.file = file;
  std::map<std::string, std::size_t, std::less<>> first_line;
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxExpectationsLine)
      return fail(line_no, kMaxExpectationsLine + 1,
                  "line longer than " + std::to_string(kMaxExpectationsLine) + " octets");
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      if ((c < 0x20 && c != '\t') || c == 0x7f) return fail(line_no, i + 1, "control character in the file");
    }
    std::size_t i = 0;
    while (i < line.size() && blank(line[i])) ++i;
    if (i == line.size() || line[i] == '#') continue;

    Deviation d;
    d.line = line_no;
    std::size_t col = 0;
    const std::string_view id = next_field(line, i, col);
    d.col = col;
    for (std::size_t j = 0; j < id.size(); ++j)
      if (!id_char(id[j])) return fail(line_no, col + j, "a case id is letters, digits, '.', '_' and '-' only");
    if (auto seen = first_line.find(id); seen != first_line.end())
      return fail(line_no, col,
                  "case '" + std::string(id) + "' is listed twice (first on line " + std::to_string(seen->second) + ")");
    d.case_id = std::string(id);

    const std::string_view verdicts = next_field(line, i, col);
    if (verdicts.empty()) return fail(line_no, col, "expected a verdict after the case id");
    std::size_t start = 0;
    while (start <= verdicts.size()) {
      std::size_t bar = verdicts.find('|', start);
      if (bar == std::string_view::npos) bar = verdicts.size();
      const std::string_view name = verdicts.substr(start, bar - start);
      const std::size_t name_col = col + start;
      const auto v = parse_verdict(name);
      if (start == 0) {
        if (!v || !deviation_verdict(*v))
          return fail(line_no, name_col,
                      "expected a deviation's verdict (non-strict, fail, inconclusive, timeout or crash), got '" +
                          std::string(name) + "'");
        d.verdict = *v;
      } else {
        // Later alternatives may also be pass, skip or info: the deviation does not show every run.
        if (!v || *v == Verdict::error)
          return fail(line_no, name_col, "expected another verdict after '|', got '" + std::string(name) + "'");
        if (d.allows(*v)) return fail(line_no, name_col, "verdict '" + std::string(name) + "' is listed twice");
        d.also.push_back(*v);
      }
      start = bar + 1;
    }

    const std::string_view clause = next_field(line, i, col);
    if (clause.empty()) return fail(line_no, col, "expected the clause the server breaks (e.g. RFC4954#4)");
    d.clause = std::string(clause);

    while (i < line.size() && blank(line[i])) ++i;
    std::size_t explanation_end = line.size();
    while (explanation_end > i && blank(line[explanation_end - 1])) --explanation_end;
    if (i == explanation_end) return fail(line_no, i + 1, "expected a one-line explanation after the clause");
    d.explanation = std::string(line.substr(i, explanation_end - i));

    first_line.emplace(d.case_id, line_no);
    out.deviations.push_back(std::move(d));
  }
  return out;
}

Result<Expectations, ProfileError> load_expectations(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return unexpected(ProfileError{path, 1, 1, "cannot read the expectations: " + ec.message()});
  if (size > kMaxExpectationsBytes)
    return unexpected(
        ProfileError{path, 1, 1, "file too large (over " + std::to_string(kMaxExpectationsBytes) + " octets)"});
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in) return unexpected(ProfileError{path, 1, 1, "cannot read the expectations"});
  return parse_expectations(text, path);
}

std::vector<std::string> apply_expectations(const Expectations& e, RunResult& run) {
  std::vector<std::string> mismatches;
  for (CaseResult& c : run.cases) {
    const Deviation* d = e.find(c.id);
    if (d != nullptr)
      c.known = KnownDeviation{d->verdict, d->clause, d->explanation, e.file + ":" + std::to_string(d->line)};
    if (d == nullptr) {
      if (c.verdict == Verdict::pass || c.verdict == Verdict::skip || c.verdict == Verdict::info) continue;
      mismatches.push_back(c.id + ": got " + describe(c.verdict, "") +
                           (c.verdict == Verdict::error ? " (a harness error)" : ", not listed as a known deviation") +
                           (c.reason.empty() ? "" : " — " + c.reason));
    } else if (!d->allows(c.verdict)) {
      mismatches.push_back(c.id + ": expected " + describe(*d) + " (" + e.file + ":" + std::to_string(d->line) +
                           "), got " + describe(c.verdict, "") +
                           (c.verdict == Verdict::pass ? ": the deviation is gone, remove the line" : "") +
                           (c.reason.empty() ? "" : " — " + c.reason));
    }
  }
  return mismatches;
}

}  // namespace sah::target
