#include "harness/report/json.h"

#include <map>

#include <nlohmann/json.hpp>

#include "harness/report/json_read.h"

namespace sah::report {

namespace {

using nlohmann::json;

json severity_json(Severity s) {
  if (s == Severity::none) return nullptr;
  return std::string(to_string(s));
}

json case_json(const CaseResult& c) {
  json expected = json::array();
  for (const Expectation& e : c.expected)
    expected.push_back({{"pattern", e.pattern}, {"verdict", std::string(to_string(e.verdict))}, {"why", e.why}});
  json transcript = json::array();
  for (const TranscriptEntry& t : c.transcript) {
    json entry = {{"kind", std::string(kind_name(t.kind))}, {"at_us", t.at_us}, {"text", t.text}};
    if (!t.decoded.empty()) entry["decoded"] = t.decoded;
    transcript.push_back(std::move(entry));
  }
  json out = {
      {"id", c.id},
      {"title", c.title},
      {"rfc", c.rfc},
      {"requirements", c.requirements},
      {"tags", c.tags},
      {"mechanism", c.mechanism},
      {"verdict", std::string(to_string(c.verdict))},
      {"severity", severity_json(c.verdict == Verdict::fail || c.verdict == Verdict::crash ? c.severity : Severity::none)},
      {"expected", std::move(expected)},
      {"observed", c.observed},
      {"reason", c.reason},
      {"duration_ms", c.duration_ms},
      {"transcript", std::move(transcript)},
      {"server_log", c.server_log},
  };
  if (c.known)
    out["known_deviation"] = {{"verdict", std::string(to_string(c.known->verdict))},
                              {"clause", c.known->clause},
                              {"explanation", c.known->explanation},
                              {"source", c.known->source}};
  return out;
}

}  // namespace

std::string results_json(const RunResult& run, int indent) {
  std::map<std::string, int> counts;
  for (const CaseResult& c : run.cases) ++counts[std::string(to_string(c.verdict))];
  json cases = json::array();
  for (const CaseResult& c : run.cases) cases.push_back(case_json(c));
  const json doc = {
      {"schema", 1},
      {"harness_version", run.harness_version},
      {"target", run.target},
      {"greeting", run.greeting},
      {"mechanisms", run.mechanisms},
      {"tls", run.tls},
      {"started_at", run.started_at},
      {"duration_ms", run.duration_ms},
      {"interrupted", run.interrupted},
      {"summary", counts},
      {"cases", std::move(cases)},
  };
  if (run.expectation_mismatches) {
    json copy = doc;
    copy["expectation_mismatches"] = *run.expectation_mismatches;
    return copy.dump(indent, ' ', false, json::error_handler_t::replace) + "\n";
  }
  return doc.dump(indent, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace sah::report
