#include "harness/scenario/requirements.h"

#include <fstream>

namespace sah::scenario {
namespace {

// 4 MiB is far above the index's size (~40 KiB); the bound keeps a wrong path from being read whole.
constexpr std::size_t kMaxIndexSize = 4u << 20;

}  // namespace

bool is_requirement_id(std::string_view id) {
  const auto dash = id.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= id.size()) return false;
  // An upper-case area prefix that may hold digits after its first letter ("B64"), then a number.
  if (id[0] < 'A' || id[0] > 'Z') return false;
  for (std::size_t i = 1; i < dash; ++i)
    if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9'))) return false;
  for (std::size_t i = dash + 1; i < id.size(); ++i)
    if (id[i] < '0' || id[i] > '9') return false;
  return true;
}

namespace {

int rank(Severity s) {
  switch (s) {
    case Severity::critical: return 4;
    case Severity::must: return 3;
    case Severity::should: return 2;
    case Severity::practice: return 1;
    case Severity::none: return 0;
  }
  return 0;
}

}  // namespace

bool RequirementIndex::add(Requirement r) {
  if (by_id_.count(r.id) != 0) return false;
  by_id_.emplace(r.id, items_.size());
  items_.push_back(std::move(r));
  return true;
}

const Requirement* RequirementIndex::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &items_[it->second];
}

Severity severity_of_level(std::string_view level) {
  if (level == "must") return Severity::must;
  if (level == "should") return Severity::should;
  if (level == "may" || level == "practice") return Severity::practice;
  return Severity::none;
}

Severity stronger(Severity a, Severity b) { return rank(a) >= rank(b) ? a : b; }

RequirementIndexLoad parse_requirement_index(std::string_view text, const std::string& file_name) {
  RequirementIndexLoad out;
  auto error = [&](std::size_t line, std::size_t col, std::string m) {
    out.diagnostics.push_back({{file_name, line, col}, std::move(m)});
  };
  bool header_seen = false;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (!header_seen) {
      if (line != kRequirementColumns) {
        error(line_no, 1, "expected the column names 'id<TAB>level<TAB>source<TAB>title<TAB>testable'");
        return out;
      }
      header_seen = true;
      continue;
    }
    std::vector<std::string_view> fields;
    std::vector<std::size_t> cols;
    std::size_t start = 0;
    while (true) {
      const auto tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      cols.push_back(start + 1);
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    if (fields.size() != 5) {
      error(line_no, fields.size() < 5 ? line.size() + 1 : cols[5],
            "expected 5 tab-separated fields (id, level, source, title, testable), found " +
                std::to_string(fields.size()));
      continue;
    }
    Requirement r;
    r.at = {file_name, line_no, 1};
    r.id = std::string(fields[0]);
    r.level = std::string(fields[1]);
    r.source = std::string(fields[2]);
    r.title = std::string(fields[3]);
    bool ok = true;
    if (!is_requirement_id(r.id)) {
      error(line_no, cols[0], "expected a requirement id like 'B64-02', found '" + r.id + "'");
      ok = false;
    }
    r.severity = severity_of_level(r.level);
    if (r.severity == Severity::none) {
      error(line_no, cols[1], "expected a level (must, should, may, practice), found '" + r.level + "'");
      ok = false;
    }
    if (r.source.empty()) {
      error(line_no, cols[2], "expected the source clause");
      ok = false;
    }
    if (r.title.empty()) {
      error(line_no, cols[3], "expected a title");
      ok = false;
    }
    const std::string_view testable = fields[4];
    if (testable == "yes") {
      r.testable = true;
    } else if (testable.starts_with("no: ") && testable.size() > 4) {
      r.testable = false;
      r.not_testable_because = std::string(testable.substr(4));
    } else {
      error(line_no, cols[4], "expected 'yes' or 'no: REASON' in the testable column");
      ok = false;
    }
    if (ok) {
      const std::string id = r.id;
      if (!out.index.add(std::move(r))) error(line_no, cols[0], "duplicate requirement id '" + id + "'");
    }
  }
  if (!header_seen) error(line_no == 0 ? 1 : line_no, 1, "the index is empty: expected the column names");
  return out;
}

RequirementIndexLoad load_requirement_index(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    RequirementIndexLoad out;
    out.diagnostics.push_back({{path, 0, 0}, "cannot open the requirement index"});
    return out;
  }
  std::string text;
  text.resize(kMaxIndexSize + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxIndexSize) {
    RequirementIndexLoad out;
    out.diagnostics.push_back({{path, 1, 1}, "the requirement index is larger than 4 MiB"});
    return out;
  }
  return parse_requirement_index(text, path);
}

}  // namespace sah::scenario
