#include "harness/report/summary.h"

#include <algorithm>

#include <fmt/format.h>

namespace sah::report {

std::string area_of(const CaseResult& c) {
  if (!c.tags.empty() && !c.tags.front().empty()) return c.tags.front();
  const auto dot = c.id.find('.');
  std::string head = c.id.substr(0, dot);
  return head.empty() ? "other" : head;
}

std::string mechanism_of(const CaseResult& c) { return c.mechanism.empty() ? "(none)" : c.mechanism; }

bool is_failure(Verdict v) { return v == Verdict::fail || v == Verdict::crash || v == Verdict::timeout; }

int badness(const CaseResult& c) {
  switch (c.verdict) {
    case Verdict::crash: return 0;
    case Verdict::fail:
      switch (c.severity) {
        case Severity::critical: return 1;
        case Severity::must: return 3;
        case Severity::should: return 4;
        case Severity::practice:
        case Severity::none: return 5;
      }
      return 5;
    case Verdict::timeout: return 2;
    case Verdict::error: return 6;
    case Verdict::inconclusive: return 7;
    case Verdict::non_strict: return 8;
    case Verdict::info: return 9;
    case Verdict::skip: return 10;
    case Verdict::pass: return 11;
  }
  return 6;
}

std::string verdict_label(const CaseResult& c) {
  std::string s(to_string(c.verdict));
  if (c.verdict == Verdict::fail && c.severity != Severity::none)
    s += fmt::format(" ({})", to_string(c.severity));
  return s;
}

std::vector<const CaseResult*> worst_first(const RunResult& run) {
  std::vector<const CaseResult*> out;
  out.reserve(run.cases.size());
  for (const auto& c : run.cases) out.push_back(&c);
  std::stable_sort(out.begin(), out.end(),
                   [](const CaseResult* a, const CaseResult* b) { return badness(*a) < badness(*b); });
  return out;
}

const std::vector<Verdict>& all_verdicts() {
  static const std::vector<Verdict> kAll = {Verdict::crash,        Verdict::fail,  Verdict::timeout,
                                            Verdict::error,        Verdict::inconclusive,
                                            Verdict::non_strict,   Verdict::info,  Verdict::skip,
                                            Verdict::pass};
  return kAll;
}

std::string_view verdict_meaning(Verdict v) {
  switch (v) {
    case Verdict::pass: return "The server did what the RFC prescribes.";
    case Verdict::non_strict:
      return "The server deviated from the letter of the RFC in a way the RFC tolerates or that "
             "interoperates in practice. Still conformant; reported, never counted as a failure.";
    case Verdict::fail:
      return "The server violated the requirement. Severity: critical = authentication succeeded "
             "where it must not, state was confused, injected data was executed or the server died; "
             "must / should / practice = the level of the requirement that was broken.";
    case Verdict::info: return "Recorded for information, not judged.";
    case Verdict::skip:
      return "Not run: a precondition was not met (mechanism not advertised, no TLS, no account).";
    case Verdict::inconclusive:
      return "The property could not be observed: a 421, a 454 4.7.0 or a network error, even "
             "after retries.";
    case Verdict::error:
      return "The harness could not run the case (bad scenario, refused connection). Says nothing "
             "about the server.";
    case Verdict::crash: return "The target process died during the case.";
    case Verdict::timeout: return "The target stopped answering within the time limit.";
  }
  return "";
}

RunCounts count(const RunResult& run) {
  RunCounts rc;
  for (Verdict v : all_verdicts()) rc.all.by_verdict[v] = 0;
  for (const auto& c : run.cases) {
    rc.all.add(c.verdict);
    rc.by_area[area_of(c)].add(c.verdict);
    rc.by_mechanism[mechanism_of(c)].add(c.verdict);
  }
  return rc;
}

std::string human_duration(std::int64_t ms) {
  if (ms < 0) ms = 0;
  if (ms < 1000) return fmt::format("{} ms", ms);
  if (ms < 60'000) return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
  return fmt::format("{} min {} s", ms / 60'000, (ms % 60'000) / 1000);
}

}  // namespace sah::report
