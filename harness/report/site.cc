#include "harness/report/site.h"

#include <set>

#include "harness/report/html.h"

namespace sah::report {

std::string page_stem(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  const auto dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0) name.erase(dot);
  // "out/postfix/results.json" (what `run --report DIR` writes) is named after its folder.
  if (name == "results" && slash != std::string::npos && slash > 0) {
    const auto parent_slash = path.find_last_of('/', slash - 1);
    const std::string parent =
        path.substr(parent_slash == std::string::npos ? 0 : parent_slash + 1, slash - (parent_slash == std::string::npos ? 0 : parent_slash + 1));
    if (!parent.empty() && parent != "." && parent != "..") name = parent;
  }
  std::string out;
  for (char ch : name) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                    ch == '_' || ch == '.';
    out += ok ? ch : '_';
  }
  if (out.empty() || out.front() == '.') out.insert(0, "run");
  if (out.size() > 80) out.resize(80);
  return out;
}

std::vector<Page> render_site(const std::vector<RunResult>& runs, const std::vector<std::string>& names,
                              const RunResult* baseline) {
  std::vector<Page> pages;
  if (runs.size() == 1) {
    pages.push_back({"index.html", render_html(runs.front())});
    if (baseline) pages.push_back({"diff.html", render_diff(runs.front(), *baseline)});
    return pages;
  }
  // Names already taken: the fixed pages and every page made so far.
  std::set<std::string> taken = {"matrix", "index"};
  std::vector<std::string> stems;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string base = page_stem(i < names.size() ? names[i] : "run");
    std::string stem = base;
    // A run's page and its diff page must both be free ("diff-x" from a file named diff-x.json
    // would be the diff page of x.json).
    for (int n = 2; taken.count(stem) || taken.count("diff-" + stem); ++n) stem = base + "-" + std::to_string(n);
    taken.insert(stem);
    taken.insert("diff-" + stem);
    stems.push_back(stem);
  }
  std::vector<std::string> links;
  for (const auto& s : stems) links.push_back(s + ".html");
  pages.push_back({"matrix.html", render_matrix(runs, links)});
  for (std::size_t i = 0; i < runs.size(); ++i) {
    pages.push_back({links[i], render_html(runs[i])});
    if (baseline) pages.push_back({"diff-" + stems[i] + ".html", render_diff(runs[i], *baseline)});
  }
  return pages;
}

}  // namespace sah::report
