#include "harness/report/junit.h"

#include <map>

#include <fmt/format.h>

#include "harness/report/escape.h"
#include "harness/report/summary.h"

namespace sah::report {
namespace {

// JUnit's timestamp is an ISO 8601 date-time without a zone (UTC implied): the first 19
// characters of started_at when they have that shape, else no timestamp at all.
std::string junit_timestamp(const std::string& started_at) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (started_at.size() < kShape.size()) return "";
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const char ch = started_at[i];
    const bool ok = kShape[i] == 'd' ? (ch >= '0' && ch <= '9') : ch == kShape[i];
    if (!ok) return "";
  }
  return started_at.substr(0, kShape.size());
}

std::string seconds(std::int64_t ms) { return fmt::format("{:.3f}", static_cast<double>(ms < 0 ? 0 : ms) / 1000.0); }

// Expected against observed, as escaped XML text: each value escaped on its own (so a newline
// a server sent stays visible as \x0A) and joined by our own line ends.
std::string expected_xml(const CaseResult& c) {
  std::string s = "expected one of:\n";
  if (c.expected.empty()) s += "  (none recorded)\n";
  for (const auto& e : c.expected)
    s += fmt::format("  {} -&gt; {}{}\n", xml_escape(e.pattern), to_string(e.verdict),
                     e.why.empty() ? "" : " (" + xml_escape(e.why) + ")");
  s += "observed: " + xml_escape(c.observed) + "\n";
  if (!c.reason.empty()) s += "reason: " + xml_escape(c.reason) + "\n";
  auto joined = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& r : v) out += " " + xml_escape(r);
    return out;
  };
  if (!c.rfc.empty()) s += "rfc:" + joined(c.rfc) + "\n";
  if (!c.requirements.empty()) s += "requirements:" + joined(c.requirements) + "\n";
  return s;
}

std::string testcase(const CaseResult& c, const std::string& area) {
  std::string out = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
                                xml_escape("smtp-auth-harness." + area), xml_escape(c.id), seconds(c.duration_ms));
  const std::string message = xml_escape(c.reason.empty() ? c.title : c.reason);
  std::string type(to_string(c.verdict));
  if (c.severity != Severity::none) type += "/" + std::string(to_string(c.severity));
  switch (c.verdict) {
    case Verdict::fail:
    case Verdict::crash:
    case Verdict::timeout:
      out += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n", message,
                         xml_escape(type), expected_xml(c));
      break;
    case Verdict::error:
      out += fmt::format(">\n      <error message=\"{}\" type=\"error\">{}</error>\n    </testcase>\n", message,
                         expected_xml(c));
      break;
    case Verdict::skip:
      out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n", message);
      break;
    case Verdict::non_strict:
    case Verdict::info:
    case Verdict::inconclusive:
      out += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n",
                         fmt::format("{}: {}\n{}", to_string(c.verdict), xml_escape(verdict_meaning(c.verdict)),
                                     expected_xml(c)));
      break;
    case Verdict::pass:
      out += "/>\n";
      break;
  }
  return out;
}

struct Suite {
  std::string name;
  std::string area;
  std::vector<const CaseResult*> cases;
  std::string timestamp;
};

struct Tally {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  std::int64_t ms = 0;
  void add(const CaseResult& c) {
    ++tests;
    failures += is_failure(c.verdict) ? 1 : 0;
    errors += c.verdict == Verdict::error ? 1 : 0;
    skipped += c.verdict == Verdict::skip ? 1 : 0;
    ms += c.duration_ms < 0 ? 0 : c.duration_ms;
  }
  std::string attributes() const {
    return fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\"", tests, failures,
                       errors, skipped, seconds(ms));
  }
};

std::vector<Suite> suites_of(const RunResult& run, bool prefix_target) {
  std::map<std::string, std::size_t> position;
  std::vector<Suite> suites;
  for (const auto& c : run.cases) {
    const std::string area = area_of(c);
    auto [it, inserted] = position.emplace(area, suites.size());
    if (inserted)
      suites.push_back({prefix_target ? run.target + " / " + area : area, area, {}, junit_timestamp(run.started_at)});
    suites[it->second].cases.push_back(&c);
  }
  return suites;
}

std::string render(const std::vector<const RunResult*>& runs) {
  const bool several = runs.size() > 1;
  std::string body;
  Tally all;
  std::size_t id = 0;
  for (const RunResult* run : runs) {
    for (const Suite& s : suites_of(*run, several)) {
      Tally t;
      std::string cases;
      for (const CaseResult* c : s.cases) {
        t.add(*c);
        all.add(*c);
        cases += testcase(*c, s.area);
      }
      body += fmt::format("  <testsuite name=\"{}\" id=\"{}\" {}{}>\n", xml_escape(s.name), id++, t.attributes(),
                          s.timestamp.empty() ? "" : " timestamp=\"" + xml_escape(s.timestamp) + "\"");
      body += cases;
      body += "  </testsuite>\n";
    }
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"smtp-auth-harness\" {}>\n{}</testsuites>\n",
                     all.attributes(), body);
}

}  // namespace

std::string render_junit(const RunResult& run) { return render({&run}); }

std::string render_junit(const std::vector<RunResult>& runs) {
  std::vector<const RunResult*> ptrs;
  for (const auto& r : runs) ptrs.push_back(&r);
  return render(ptrs);
}

}  // namespace sah::report
