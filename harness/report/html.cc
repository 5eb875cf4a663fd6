#include "harness/report/html.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "harness/report/assets.h"
#include "harness/report/csp.h"
#include "harness/report/markup.h"
#include "harness/report/summary.h"

namespace sah::report {
namespace {

using L = Html;  // L::literal("…") reads as "literal markup"

Html text(std::string_view s) { return Html::text(s); }

Html join(const std::vector<Html>& parts, const Html& sep) {
  Html out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// The CSS classes of a verdict: "v-fail sev-critical".
std::string verdict_classes(const CaseResult& c) {
  std::string s = fmt::format("v-{}", to_string(c.verdict));
  if (c.verdict == Verdict::fail && c.severity != Severity::none)
    s += fmt::format(" sev-{}", to_string(c.severity));
  return s;
}

Html badge(const CaseResult& c) {
  return element("span", {{"class", "badge " + verdict_classes(c)}, {"title", verdict_meaning(c.verdict)}},
                 text(verdict_label(c)));
}

Html page(std::string_view title, std::string_view page_class, std::string_view version,
          const Html& header, const Html& main) {
  Html legend_items;
  for (Verdict v : all_verdicts()) {
    legend_items += element("dt", {}, element("span", {{"class", fmt::format("badge v-{}", to_string(v))}},
                                              text(to_string(v))));
    legend_items += element("dd", {}, text(verdict_meaning(v)));
  }
  const std::string_view style = assets::style_css();
  const std::string_view script = assets::report_js();
  return fill(asset_html(assets::template_html()),
              {{"csp", text(content_security_policy(style, script))},
               {"version", text(version)},
               {"title", text(title)},
               {"style", asset_html(style)},
               {"page", text(page_class)},
               {"header", header},
               {"main", main},
               {"legend", element("dl", {}, legend_items)},
               {"script", asset_html(script)}});
}

Html definition(std::string_view term, const Html& value) {
  return element("dt", {}, text(term)) + element("dd", {}, value);
}

Html code_list(const std::vector<std::string>& items) {
  if (items.empty()) return L::literal("<span class=\"why\">none</span>");
  std::vector<Html> parts;
  for (const auto& s : items) parts.push_back(element("code", {}, text(s)));
  return join(parts, L::literal(" "));
}

Html run_header(const RunResult& run) {
  Html dl = definition("Greeting", element("code", {}, text(run.greeting))) +
            definition("Mechanisms", code_list(run.mechanisms)) +
            definition("TLS", text(run.tls.empty() ? "none" : run.tls)) +
            definition("Started", text(run.started_at)) +
            definition("Duration", text(human_duration(run.duration_ms))) +
            definition("Harness", text(run.harness_version));
  Html h = element("h1", {}, text("SMTP AUTH conformance: " + run.target)) + element("dl", {}, dl);
  return h;
}

Html interrupted_banner(const RunResult& run) {
  if (!run.interrupted) return {};
  return element("div", {{"class", "banner"}, {"role", "alert"}},
                 text(fmt::format("Interrupted: the run was stopped early. These results are partial "
                                  "({} cases recorded).",
                                  run.cases.size())));
}

// Against a profile with an expectations file: whether every verdict is the one the file
// expects (a known deviation), and if not, which differ. This is what CI judges a profile by.
Html expectations_banner(const RunResult& run) {
  if (!run.expectation_mismatches) return {};
  const auto& lines = *run.expectation_mismatches;
  if (lines.empty())
    return element("div", {{"class", "banner ok"}},
                   text("Every verdict matches the profile's expectations file (known deviations are marked)."));
  Html items;
  for (const auto& line : lines) items += element("li", {}, text(line));
  return element("div", {{"class", "banner"}, {"role", "alert"}},
                 text(fmt::format("{} verdict{} differ{} from the profile's expectations file:", lines.size(),
                                  lines.size() == 1 ? "" : "s", lines.size() == 1 ? "s" : "")) +
                     element("ul", {}, items));
}

Html verdict_chips(const Counts& counts) {
  Html chips;
  for (Verdict v : all_verdicts()) {
    auto it = counts.by_verdict.find(v);
    const std::size_t n = it == counts.by_verdict.end() ? 0 : it->second;
    chips += element("span",
                     {{"class", fmt::format("chip v-{}{}", to_string(v), n == 0 ? " zero" : "")},
                      {"title", verdict_meaning(v)}},
                     text(fmt::format("{} {}", n, to_string(v))));
  }
  return element("div", {{"class", "chips"}}, chips);
}

// A stacked horizontal bar per group (area or mechanism), one segment per verdict.
Html bar_chart(const std::map<std::string, Counts>& groups, std::string_view label) {
  constexpr int kLabel = 130, kBar = 190, kRow = 20;
  std::size_t max_total = 1;
  for (const auto& [name, c] : groups) max_total = std::max(max_total, c.total);
  Html rows;
  int y = 0;
  for (const auto& [name, c] : groups) {
    const std::string shown_name = name.size() > 17 ? name.substr(0, 16) + "…" : name;
    rows += element("text", {{"x", "0"}, {"y", std::to_string(y + 14)}}, text(shown_name));
    double x = kLabel;
    for (Verdict v : all_verdicts()) {
      auto it = c.by_verdict.find(v);
      if (it == c.by_verdict.end() || it->second == 0) continue;
      const double w = static_cast<double>(it->second) * kBar / static_cast<double>(max_total);
      rows += element("rect",
                      {{"class", fmt::format("v-{}", to_string(v))},
                       {"x", fmt::format("{:.1f}", x)},
                       {"y", std::to_string(y + 3)},
                       {"width", fmt::format("{:.1f}", w)},
                       {"height", "14"}},
                      element("title", {}, text(fmt::format("{}: {} {}", name, it->second, to_string(v)))));
      x += w;
    }
    rows += element("text", {{"class", "n"}, {"x", fmt::format("{:.1f}", x + 6)}, {"y", std::to_string(y + 14)}},
                    text(std::to_string(c.total)));
    y += kRow;
  }
  const int width = kLabel + kBar + 40;
  return element("svg",
                 {{"class", "bars"},
                  {"role", "img"},
                  {"aria-label", label},
                  {"width", std::to_string(width)},
                  {"height", std::to_string(std::max(y, kRow))},
                  {"viewBox", fmt::format("0 0 {} {}", width, std::max(y, kRow))}},
                 rows);
}

Html overview(const RunCounts& rc) {
  Html verdicts = element("div", {{"class", "card"}},
                          element("h2", {}, text(fmt::format("{} cases", rc.all.total))) + verdict_chips(rc.all));
  Html areas = element("div", {{"class", "card"}},
                       element("h2", {}, text("By area")) + bar_chart(rc.by_area, "Verdicts by area"));
  Html mechs = element("div", {{"class", "card"}},
                       element("h2", {}, text("By mechanism")) +
                           bar_chart(rc.by_mechanism, "Verdicts by mechanism"));
  return element("section", {{"class", "overview"}}, verdicts + areas + mechs);
}

Html options(const std::map<std::string, Counts>& groups) {
  Html out = element("option", {{"value", ""}}, text("any"));
  for (const auto& [name, c] : groups)
    out += element("option", {{"value", name}}, text(fmt::format("{} ({})", name, c.total)));
  return out;
}

Html filters(const RunCounts& rc) {
  Html verdict_opts = element("option", {{"value", ""}}, text("any")) +
                      element("option", {{"value", "problems"}}, text("problems (fail, crash, timeout, error)")) +
                      element("option", {{"value", "fail-critical"}}, text("fail (critical)"));
  for (Verdict v : all_verdicts()) {
    const std::size_t n = rc.all.by_verdict.at(v);
    if (n == 0) continue;
    verdict_opts += element("option", {{"value", to_string(v)}}, text(fmt::format("{} ({})", to_string(v), n)));
  }
  return element(
      "div", {{"class", "filters"}, {"role", "search"}},
      element("label", {{"for", "f-verdict"}}, text("Verdict")) +
          element("select", {{"id", "f-verdict"}}, verdict_opts) +
          element("label", {{"for", "f-area"}}, text("Area")) +
          element("select", {{"id", "f-area"}}, options(rc.by_area)) +
          element("label", {{"for", "f-mech"}}, text("Mechanism")) +
          element("select", {{"id", "f-mech"}}, options(rc.by_mechanism)) +
          void_element("input", {{"id", "f-text"},
                                 {"type", "search"},
                                 {"placeholder", "text in id, title, RFC, observed…"},
                                 {"aria-label", "Free text"}}) +
          element("span", {{"id", "shown"}, {"class", "shown"}}, text(fmt::format("{} cases", rc.all.total))));
}

Html clause_links(const std::vector<std::string>& clauses) {
  if (clauses.empty()) return text("none");
  std::vector<Html> parts;
  for (const auto& cl : clauses) {
    const std::string url = clause_url(cl);
    parts.push_back(url.empty() ? text(cl)
                                : element("a", {{"href", url}, {"rel", "noreferrer"}}, text(cl)));
  }
  return join(parts, L::literal(", "));
}

Html known_deviation(const KnownDeviation& k) {
  return element("span", {{"class", fmt::format("badge v-{}", to_string(k.verdict))}}, text(to_string(k.verdict))) +
         text(" ") + clause_links({k.clause}) + text(" — " + k.explanation + " (" + k.source + ")");
}


Html expectations(const std::vector<Expectation>& expected) {
  if (expected.empty()) return text("none recorded");
  Html items;
  for (const auto& e : expected) {
    Html item = element("code", {}, text(e.pattern)) + text(" → ") + text(to_string(e.verdict));
    if (!e.why.empty()) item += element("span", {{"class", "why"}}, text(" — " + e.why));
    items += element("li", {}, item);
  }
  return element("ul", {}, items);
}

std::string_view kind_label(TranscriptEntry::Kind k) {
  switch (k) {
    case TranscriptEntry::Kind::client: return "C:";
    case TranscriptEntry::Kind::server: return "S:";
    case TranscriptEntry::Kind::tls: return "TLS";
    case TranscriptEntry::Kind::note: return "note";
    case TranscriptEntry::Kind::closed: return "closed";
    case TranscriptEntry::Kind::timeout: return "timeout";
    case TranscriptEntry::Kind::error: return "error";
  }
  return "?";
}

std::string_view kind_class(TranscriptEntry::Kind k) {
  switch (k) {
    case TranscriptEntry::Kind::client: return "t-client";
    case TranscriptEntry::Kind::server: return "t-server";
    case TranscriptEntry::Kind::tls: return "t-tls";
    case TranscriptEntry::Kind::note: return "t-note";
    case TranscriptEntry::Kind::closed: return "t-closed";
    case TranscriptEntry::Kind::timeout: return "t-timeout";
    case TranscriptEntry::Kind::error: return "t-error";
  }
  return "t-note";
}

// Wire text one line per CRLF-terminated line; the CRLF itself is implied, so only a line end
// that is not CRLF (a bare LF, a lone CR) stays visible as \x0A / \x0D.
Html wire_lines(std::string_view s) {
  std::vector<Html> lines;
  while (!s.empty()) {
    const auto crlf = s.find("\r\n");
    if (crlf == std::string_view::npos) {
      lines.push_back(text(s));
      break;
    }
    lines.push_back(text(s.substr(0, crlf)));
    s.remove_prefix(crlf + 2);
  }
  return join(lines, L::literal("\n"));
}

Html transcript(const std::vector<TranscriptEntry>& entries) {
  if (entries.empty()) return text("none");
  Html rows = element("tr", {{"class", "t-head"}},
                      element("td", {{"class", "at"}}, text("ms")) + element("td", {}, text("")) +
                          element("td", {}, text("on the wire")) + element("td", {}, text("decoded")));
  for (const auto& e : entries) {
    const Html at = element("td", {{"class", "at"}}, text(fmt::format("{:.1f}", static_cast<double>(e.at_us) / 1000.0)));
    const Html dir = element("td", {{"class", "dir"}}, text(kind_label(e.kind)));
    const bool wire = e.kind == TranscriptEntry::Kind::client || e.kind == TranscriptEntry::Kind::server;
    Html cells = at + dir;
    if (wire) {
      cells += element("td", {{"class", "wire"}}, wire_lines(e.text));
      cells += element("td", {{"class", "dec"}}, e.decoded.empty() ? Html{} : wire_lines(e.decoded));
    } else if (e.kind == TranscriptEntry::Kind::tls) {
      cells += element("td", {{"class", "wire"}, {"colspan", "2"}}, text("── TLS: " + e.text + " ──"));
    } else {
      cells += element("td", {{"class", "wire"}, {"colspan", "2"}}, text(e.text));
    }
    rows += element("tr", {{"class", kind_class(e.kind)}}, cells);
  }
  return element("table", {{"class", "transcript"}}, rows);
}

Html server_log(const std::vector<std::string>& lines) {
  std::vector<Html> parts;
  for (const auto& l : lines) parts.push_back(text(l));
  return element("pre", {{"class", "log"}}, join(parts, L::literal("\n")));
}

std::string search_text(const CaseResult& c) {
  std::string s = c.id + ' ' + c.title + ' ' + c.mechanism + ' ' + verdict_label(c);
  for (const auto& r : c.rfc) s += ' ' + r;
  for (const auto& r : c.requirements) s += ' ' + r;
  for (const auto& t : c.tags) s += ' ' + t;
  s += ' ' + c.observed + ' ' + c.reason;
  return s;
}

Html case_entry(const CaseResult& c) {
  Html summary = element("summary", {{"class", "row"}},
                         element("span", {}, badge(c)) + element("span", {{"class", "cid mono"}}, text(c.id)) +
                             element("span", {{"class", "ctitle"}}, text(c.title)) +
                             element("span", {{"class", "cmech"}}, text(c.mechanism)) +
                             element("span", {{"class", "dur"}}, text(human_duration(c.duration_ms))));
  Html dl = definition("Case", element("code", {}, text(c.id))) + definition("RFC", clause_links(c.rfc)) +
            definition("Requirements", code_list(c.requirements)) + definition("Tags", code_list(c.tags)) +
            definition("Expected", expectations(c.expected)) +
            definition("Observed", element("code", {}, text(c.observed))) + definition("Reason", text(c.reason));
  if (c.known) dl += definition("Known deviation", known_deviation(*c.known));
  Html body = element("dl", {}, dl) + element("h3", {}, text("Transcript")) + transcript(c.transcript);
  if (!c.server_log.empty()) body += element("h3", {}, text("Server log")) + server_log(c.server_log);
  return element("details",
                 {{"class", "case"},
                  {"id", "case-" + c.id},
                  {"data-verdict", to_string(c.verdict)},
                  {"data-sev", to_string(c.severity)},
                  {"data-area", area_of(c)},
                  {"data-mech", mechanism_of(c)},
                  {"data-search", search_text(c)}},
                 summary + element("div", {{"class", "body"}}, body));
}

Html case_list(const RunResult& run) {
  Html head = element("div", {{"class", "row head"}},
                      element("span", {}, text("Verdict")) + element("span", {}, text("Case")) +
                          element("span", {}, text("Title")) + element("span", {}, text("Mechanism")) +
                          element("span", {{"class", "dur"}}, text("Time")));
  Html items;
  for (const CaseResult* c : worst_first(run)) items += case_entry(*c);
  return element("div", {{"class", "cases"}, {"id", "cases"}}, head + items);
}

bool is_digits_and_dots(std::string_view s) {
  if (s.empty() || !(s.front() >= '0' && s.front() <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) { return (ch >= '0' && ch <= '9') || ch == '.'; });
}

bool is_appendix(std::string_view s) {
  if (s.empty() || !(s.front() >= 'A' && s.front() <= 'Z')) return false;
  return s.size() == 1 || (s[1] == '.' && is_digits_and_dots(s.substr(2)));
}

}  // namespace

std::string clause_url(std::string_view clause) {
  auto lower = [](char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; };
  if (clause.size() > 3 && lower(clause[0]) == 'r' && lower(clause[1]) == 'f' && lower(clause[2]) == 'c') {
    std::string_view rest = clause.substr(3);
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::size_t n = 0;
    while (n < rest.size() && n < 5 && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 0 || rest[0] == '0') return "";
    const std::string number(rest.substr(0, n));
    const std::string base = "https://www.rfc-editor.org/rfc/rfc" + number;
    rest.remove_prefix(n);
    if (rest.empty()) return base;
    if (rest.front() != '#') return "";
    rest.remove_prefix(1);
    if (is_digits_and_dots(rest)) return base + "#section-" + std::string(rest);
    if (is_appendix(rest)) return base + "#appendix-" + std::string(rest);
    return base;
  }
  if (clause.substr(0, 6) == "draft-") {
    const std::string_view name = clause.substr(0, clause.find('#'));
    const bool ok = std::all_of(name.begin(), name.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    });
    if (ok && name.size() > 6) return "https://datatracker.ietf.org/doc/" + std::string(name) + "/";
  }
  return "";
}

std::string render_html(const RunResult& run) {
  const RunCounts rc = count(run);
  Html main = interrupted_banner(run) + expectations_banner(run) + overview(rc) + element("h2", {}, text("Cases")) + filters(rc) +
              case_list(run);
  return page("SMTP AUTH report: " + run.target, "run", run.harness_version, run_header(run), main).str();
}

namespace {

// A profile's run is "profile exim (127.0.0.1:40123 (starttls))": the ports change from run to
// run, so the column shows the profile's name (the whole target stays in the cell's title).
std::string column_heading(const std::string& target) {
  constexpr std::string_view kProfile = "profile ";
  if (target.rfind(kProfile, 0) != 0) return target;
  const std::size_t end = target.find(" (", kProfile.size());
  return target.substr(kProfile.size(), end == std::string::npos ? std::string::npos : end - kProfile.size());
}

}  // namespace

std::string render_matrix(const std::vector<RunResult>& runs, const std::vector<std::string>& pages) {
  // Rows: every case id seen, in the order first seen; the runs usually share one suite.
  std::vector<std::string> ids;
  std::set<std::string> seen;
  std::vector<std::map<std::string, const CaseResult*>> index(runs.size());
  for (std::size_t r = 0; r < runs.size(); ++r)
    for (const auto& c : runs[r].cases) {
      index[r].emplace(c.id, &c);
      if (seen.insert(c.id).second) ids.push_back(c.id);
    }
  Html head = element("th", {}, text("Case"));
  Html totals = element("th", {}, text("failures"));
  for (std::size_t r = 0; r < runs.size(); ++r) {
    Html name = text(column_heading(runs[r].target));
    if (r < pages.size() && !pages[r].empty()) name = element("a", {{"href", pages[r]}}, name);
    std::size_t failures = 0;
    for (const auto& c : runs[r].cases) failures += is_failure(c.verdict) ? 1 : 0;
    head += element("th", {{"title", runs[r].target + " — " + runs[r].started_at}}, name);
    std::string total = fmt::format("{} of {}", failures, runs[r].cases.size());
    if (runs[r].expectation_mismatches)
      total += runs[r].expectation_mismatches->empty()
                   ? " · as expected"
                   : fmt::format(" · {} differ from expectations", runs[r].expectation_mismatches->size());
    totals += element("td", {}, text(total));
  }
  Html rows = element("tr", {}, head) + element("tr", {}, totals);
  for (const auto& id : ids) {
    Html cells = element("td", {{"class", "mono"}}, text(id));
    for (std::size_t r = 0; r < runs.size(); ++r) {
      auto it = index[r].find(id);
      if (it == index[r].end()) {
        cells += element("td", {{"class", "cell absent"}, {"title", "not run"}}, text("—"));
        continue;
      }
      const CaseResult& c = *it->second;
      // A known deviation (the profile's expectations file) is marked, so a reader tells the
      // server's recorded non-conformance from a change at a glance.
      std::string title = verdict_label(c) + (c.reason.empty() ? "" : ": " + c.reason);
      if (c.known) title += "\nknown deviation (" + c.known->clause + "): " + c.known->explanation;
      cells += element("td", {{"class", "cell " + verdict_classes(c)}, {"title", title}},
                       text(verdict_label(c) + (c.known && c.known->verdict == c.verdict ? " (known)" : "")));
    }
    rows += element("tr", {}, cells);
  }
  Html header = element("h1", {}, text(fmt::format("SMTP AUTH conformance: {} targets", runs.size())));
  Html main = element("p", {}, text("\"(known)\": a deviation listed in the target profile's expectations file, "
                                    "with the clause it breaks (hover a cell for the explanation).")) +
              element("table", {{"class", "grid"}}, rows);
  const std::string version = runs.empty() ? "" : runs.front().harness_version;
  return page("SMTP AUTH matrix", "matrix", version, header, main).str();
}

Diff compute_diff(const RunResult& now, const RunResult& baseline) {
  Diff d;
  std::map<std::string, const CaseResult*> before;
  for (const auto& c : baseline.cases) before.emplace(c.id, &c);
  std::set<std::string> present;
  for (const auto& c : now.cases) {
    present.insert(c.id);
    auto it = before.find(c.id);
    const CaseResult* b = it == before.end() ? nullptr : it->second;
    DiffEntry e{c.id, &c, b};
    const bool failing = is_failure(c.verdict);
    const bool was_failing = b != nullptr && is_failure(b->verdict);
    if (failing && !was_failing) {
      d.new_failures.push_back(e);
    } else if (was_failing && (c.verdict == Verdict::pass || c.verdict == Verdict::non_strict)) {
      d.fixed.push_back(e);
    } else if (b == nullptr || b->verdict != c.verdict || b->severity != c.severity) {
      d.changed.push_back(e);
    } else {
      ++d.unchanged;
    }
  }
  for (const auto& c : baseline.cases)
    if (!present.count(c.id)) d.changed.push_back({c.id, nullptr, &c});
  return d;
}

std::string render_diff(const RunResult& now, const RunResult& baseline) {
  const Diff d = compute_diff(now, baseline);
  auto cell = [](const CaseResult* c) {
    if (c == nullptr) return element("td", {{"class", "cell absent"}}, text("absent"));
    return element("td", {{"class", "cell " + verdict_classes(*c)}, {"title", c->reason}}, text(verdict_label(*c)));
  };
  auto table = [&](std::string_view heading, const std::vector<DiffEntry>& entries) {
    Html rows = element("tr", {},
                        element("th", {}, text("Case")) + element("th", {}, text("Baseline")) +
                            element("th", {}, text("Now")) + element("th", {}, text("Reason now")));
    for (const auto& e : entries)
      rows += element("tr", {},
                      element("td", {{"class", "mono"}}, text(e.id)) + cell(e.before) + cell(e.now) +
                          element("td", {}, text(e.now ? e.now->reason : "")));
    Html body = entries.empty() ? element("p", {{"class", "why"}}, text("none"))
                                : element("table", {{"class", "grid"}}, rows);
    return element("section", {{"class", "diff"}},
                   element("h2", {}, text(fmt::format("{} ({})", heading, entries.size()))) + body);
  };
  Html header =
      element("h1", {}, text("SMTP AUTH changes: " + now.target)) +
      element("dl", {},
              definition("Now", text(now.target + " — " + now.started_at)) +
                  definition("Baseline", text(baseline.target + " — " + baseline.started_at)) +
                  definition("Unchanged", text(std::to_string(d.unchanged))));
  Html main = interrupted_banner(now) + table("New failures", d.new_failures) + table("Fixed", d.fixed) +
              table("Other changes", d.changed);
  return page("SMTP AUTH diff: " + now.target, "diff", now.harness_version, header, main).str();
}

}  // namespace sah::report
