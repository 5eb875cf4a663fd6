#include "harness/smtp/reply.h"

namespace sah::smtp {

std::string_view to_string(Leniency l) {
  switch (l) {
    case Leniency::code_only_line: return "code_only_line";
    case Leniency::bare_lf: return "bare_lf";
    case Leniency::line_over_512: return "line_over_512";
    case Leniency::eight_bit_text: return "eight_bit_text";
    case Leniency::control_in_text: return "control_in_text";
    case Leniency::bare_cr_in_text: return "bare_cr_in_text";
  }
  return "unknown";
}

Bytes LeniencySet::to_string() const {
  Bytes out;
  for (Leniency l : kAllLeniencies) {
    if (!has(l)) continue;
    if (!out.empty()) out += ',';
    out += smtp::to_string(l);
  }
  return out;
}

std::string_view Reply::text_after_enhanced() const {
  if (lines.empty()) return {};
  std::string_view first = lines.front();
  if (!enhanced) return first;
  return first.substr(parse_enhanced_prefix(first).text_start);
}

}  // namespace sah::smtp
