// Every field of a RunResult as text, so two results can be compared field by field with a
// readable difference when they are not the same.
#pragma once

#include <string>

#include <fmt/format.h>

#include "harness/base/results.h"

namespace sah::report::testing {

inline std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) out += (ch < 0x20 || ch >= 0x7F) ? fmt::format("\\x{:02x}", ch) : std::string(1, static_cast<char>(ch));
  return out + "\"";
}

inline std::string list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const auto& s : v) out += quoted(s) + ",";
  return out + "]";
}

inline std::string describe(const RunResult& r) {
  std::string s = fmt::format("schema={} version={} target={} greeting={} mechanisms={} tls={} started={} ms={} interrupted={}\n",
                              r.schema, quoted(r.harness_version), quoted(r.target), quoted(r.greeting), list(r.mechanisms),
                              quoted(r.tls), quoted(r.started_at), r.duration_ms, r.interrupted);
  for (const auto& c : r.cases) {
    s += fmt::format("case {} title={} rfc={} req={} tags={} mech={} verdict={} sev={} observed={} reason={} log={} ms={}\n",
                     quoted(c.id), quoted(c.title), list(c.rfc), list(c.requirements), list(c.tags), quoted(c.mechanism),
                     to_string(c.verdict), to_string(c.severity), quoted(c.observed), quoted(c.reason), list(c.server_log),
                     c.duration_ms);
    for (const auto& e : c.expected)
      s += fmt::format("  expect {} {} {}\n", quoted(e.pattern), to_string(e.verdict), quoted(e.why));
    for (const auto& t : c.transcript)
      s += fmt::format("  t {} {} {} {}\n", static_cast<int>(t.kind), t.at_us, quoted(t.text), quoted(t.decoded));
  }
  return s;
}

}  // namespace sah::report::testing
