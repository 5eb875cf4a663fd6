#include "harness/scenario/fuzz/minimize.h"

#include <string>

namespace sah::scenario::fuzz {
namespace {

// Halves the first %repeat count above `floor` in the source; false when there is none.
bool halve_repeat(std::string& source, std::size_t floor) {
  static const std::string kOpen = "%repeat[";
  for (std::size_t at = source.find(kOpen); at != std::string::npos; at = source.find(kOpen, at + 1)) {
    const std::size_t digits = at + kOpen.size();
    std::size_t end = digits;
    while (end < source.size() && source[end] >= '0' && source[end] <= '9' && end - digits < 8) ++end;
    if (end == digits || end >= source.size() || source[end] != '|') continue;
    const std::size_t n = std::stoul(source.substr(digits, end - digits));
    if (n <= floor) continue;
    source.replace(digits, end - digits, std::to_string(n / 2));
    return true;
  }
  return false;
}

}  // namespace

Minimized minimize(const Plan& plan, const Finding& finding, const Reproduce& reproduce, std::size_t max_tries) {
  Minimized best{plan, finding, 0};
  auto attempt = [&](const Plan& candidate) {
    if (best.tries >= max_tries) return false;
    ++best.tries;
    auto f = reproduce(candidate);
    if (!f || !same_finding(*f, finding)) return false;
    best.plan = candidate;
    best.finding = *f;
    return true;
  };
  // 1. Nothing after the step where the finding showed can have caused it.
  if (finding.step + 1 < plan.steps.size()) {
    Plan cut = plan;
    cut.steps.resize(finding.step + 1);
    attempt(cut);
  }
  // 2. Drop one step at a time, last first (later steps depend on earlier ones less often).
  for (std::size_t i = best.plan.steps.size(); i-- > 0;) {
    if (best.plan.steps.size() <= 1) break;
    Plan candidate = best.plan;
    candidate.steps.erase(candidate.steps.begin() + static_cast<std::ptrdiff_t>(i));
    attempt(candidate);
    if (best.tries >= max_tries) break;
  }
  // 3. Shorter over-long lines, down to just past the 512-octet line limit.
  for (std::size_t i = 0; i < best.plan.steps.size() && best.tries < max_tries; ++i) {
    for (int round = 0; round < 8; ++round) {
      Plan candidate = best.plan;
      if (!halve_repeat(candidate.steps[i].text, 300)) break;
      if (!attempt(candidate)) break;
    }
  }
  return best;
}

}  // namespace sah::scenario::fuzz
