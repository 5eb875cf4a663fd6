#include "harness/scenario/catalogue.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

namespace sah::scenario {
namespace {

namespace fs = std::filesystem;

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::shared_ptr<const RequirementIndex> find_index(const std::vector<std::string>& dirs, Catalogue& out) {
  for (const auto& d : dirs) {
    for (const fs::path& candidate : {fs::path(d) / kRequirementIndexFile, fs::path(d).parent_path() / kRequirementIndexFile}) {
      std::error_code ec;
      if (!fs::is_regular_file(candidate, ec)) continue;
      auto load = load_requirement_index(candidate.string());
      if (!load.diagnostics.empty()) out.problems.push_back({candidate.string(), std::move(load.diagnostics)});
      return std::make_shared<const RequirementIndex>(std::move(load.index));
    }
  }
  return nullptr;
}

}  // namespace

std::size_t Catalogue::error_count() const {
  std::size_t n = 0;
  for (const auto& p : problems) n += p.diagnostics.size();
  return n;
}

Catalogue load_catalogue(const std::vector<std::string>& directories, const ParseOptions& options) {
  Catalogue out;
  ParseOptions parse = options;
  if (parse.requirements == nullptr) {
    out.requirements = find_index(directories, out);
    parse.requirements = out.requirements.get();
  } else {
    out.requirements = std::shared_ptr<const RequirementIndex>(std::shared_ptr<void>(), parse.requirements);
  }
  std::vector<std::string> files;
  for (const auto& d : directories) {
    std::error_code ec;
    if (!fs::is_directory(d, ec)) {
      out.problems.push_back({d, {{{d, 0, 0}, "not a directory"}}});
      continue;
    }
    fs::recursive_directory_iterator it(d, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".scn" && it->is_regular_file(ec)) files.push_back(it->path().lexically_normal().string());
      if (files.size() > kMaxCatalogueFiles) break;
    }
    if (ec) out.problems.push_back({d, {{{d, 0, 0}, "cannot list the directory: " + ec.message()}}});
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  if (files.size() > kMaxCatalogueFiles) {
    files.resize(kMaxCatalogueFiles);
    out.problems.push_back({directories.front(), {{{directories.front(), 0, 0},
                                                   "more than " + std::to_string(kMaxCatalogueFiles) + " scenario files"}}});
  }
  for (const auto& f : files) {
    ParseResult r = parse_file(f, parse);
    out.files.push_back(f);
    if (!r.diagnostics.empty()) out.problems.push_back({f, std::move(r.diagnostics)});
    for (auto& c : r.cases) out.cases.push_back(std::move(c));
  }
  check_unique_ids(out);
  return out;
}

void check_unique_ids(Catalogue& catalogue) {
  std::map<std::string, Location> first;
  std::vector<Case> kept;
  kept.reserve(catalogue.cases.size());
  for (auto& c : catalogue.cases) {
    auto [it, fresh] = first.emplace(c.id, c.at);
    if (fresh) {
      kept.push_back(std::move(c));
      continue;
    }
    Diagnostic d{c.at, "duplicate case id '" + c.id + "' (first at " + it->second.file + ":" +
                           std::to_string(it->second.line) + ")"};
    auto p = std::find_if(catalogue.problems.begin(), catalogue.problems.end(),
                          [&](const FileDiagnostics& f) { return f.file == c.at.file; });
    if (p == catalogue.problems.end()) catalogue.problems.push_back({c.at.file, {std::move(d)}});
    else p->diagnostics.push_back(std::move(d));
  }
  catalogue.cases = std::move(kept);
}

std::vector<std::string> split_list(std::string_view csv) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= csv.size()) {
    auto comma = csv.find(',', pos);
    if (comma == std::string_view::npos) comma = csv.size();
    std::string_view item = csv.substr(pos, comma - pos);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    pos = comma + 1;
  }
  return out;
}

Selection make_selection(std::string_view cases, std::string_view tags, std::string_view mechanisms) {
  Selection s;
  for (auto& g : split_list(cases)) {
    if (g.front() == '!') s.exclude.push_back(g.substr(1));
    else s.include.push_back(std::move(g));
  }
  s.tags = split_list(tags);
  s.mechanisms = split_list(mechanisms);
  return s;
}

// Iterative glob with one backtrack point: linear in practice, never exponential.
bool id_glob_match(std::string_view glob, std::string_view id) {
  std::size_t g = 0, i = 0, star = std::string_view::npos, star_i = 0;
  while (i < id.size()) {
    if (g < glob.size() && (glob[g] == '?' || glob[g] == id[i])) {
      ++g;
      ++i;
    } else if (g < glob.size() && glob[g] == '*') {
      star = g++;
      star_i = i;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      i = ++star_i;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

bool selected(const Case& c, const Selection& s) {
  auto any = [&](const std::vector<std::string>& globs) {
    return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return id_glob_match(g, c.id); });
  };
  if (!s.include.empty() && !any(s.include)) return false;
  if (any(s.exclude)) return false;
  if (!s.tags.empty() && std::none_of(s.tags.begin(), s.tags.end(), [&](const std::string& t) {
        return std::find(c.tags.begin(), c.tags.end(), t) != c.tags.end();
      }))
    return false;
  if (!s.mechanisms.empty() && !c.mechanism.empty() && c.mechanism.front() != '$' &&
      std::none_of(s.mechanisms.begin(), s.mechanisms.end(), [&](const std::string& m) { return iequal(m, c.mechanism); }))
    return false;
  return true;
}

std::vector<const Case*> select_cases(const std::vector<Case>& cases, const Selection& s) {
  std::vector<const Case*> out;
  for (const auto& c : cases)
    if (selected(c, s)) out.push_back(&c);
  return out;
}

std::string default_scenario_directory(const std::string& exe) {
  std::error_code ec;
  fs::path self = exe.empty() ? fs::read_symlink("/proc/self/exe", ec) : fs::path(exe);
  std::vector<fs::path> candidates = {fs::path("scenarios")};
  if (!self.empty()) {
    const fs::path dir = self.parent_path();
    candidates.push_back(dir / ".." / "share" / "smtp-auth-harness" / "scenarios");
    candidates.push_back(dir / ".." / ".." / "scenarios");
    candidates.push_back(dir / ".." / ".." / ".." / "scenarios");
  }
  for (const auto& c : candidates)
    if (fs::is_directory(c, ec)) return c.lexically_normal().string();
  return {};
}

}  // namespace sah::scenario
