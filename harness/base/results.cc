#include "harness/base/results.h"

namespace sah {

std::optional<Verdict> parse_verdict(std::string_view s) {
  for (auto v : {Verdict::pass, Verdict::non_strict, Verdict::fail, Verdict::info, Verdict::skip,
                 Verdict::inconclusive, Verdict::error, Verdict::crash, Verdict::timeout})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::optional<Severity> parse_severity(std::string_view s) {
  for (auto v : {Severity::critical, Severity::must, Severity::should, Severity::practice})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

}  // namespace sah
