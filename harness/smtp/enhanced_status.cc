#include "harness/smtp/enhanced_status.h"

#include <algorithm>

namespace sah::smtp {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// One of subject/detail (RFC 3463 §2: 1*3digit, no leading zero). `field` is the whole
// field, `base` its offset in the parsed string.
Result<int, EnhancedFailure> parse_field(std::string_view field, std::size_t base) {
  if (field.empty()) return unexpected(EnhancedFailure{EnhancedError::empty_field, base});
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (!is_digit(field[i])) return unexpected(EnhancedFailure{EnhancedError::non_digit, base + i});
  }
  if (field.size() > 3) return unexpected(EnhancedFailure{EnhancedError::too_many_digits, base + 3});
  if (field.size() > 1 && field[0] == '0') {
    return unexpected(EnhancedFailure{EnhancedError::leading_zero, base});
  }
  int value = 0;
  for (char c : field) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

std::string EnhancedStatus::to_string() const {
  return std::to_string(klass) + "." + std::to_string(subject) + "." + std::to_string(detail);
}

std::string_view to_string(EnhancedError e) {
  switch (e) {
    case EnhancedError::empty: return "empty";
    case EnhancedError::bad_class: return "bad_class";
    case EnhancedError::missing_dot: return "missing_dot";
    case EnhancedError::empty_field: return "empty_field";
    case EnhancedError::non_digit: return "non_digit";
    case EnhancedError::too_many_digits: return "too_many_digits";
    case EnhancedError::leading_zero: return "leading_zero";
  }
  return "unknown";
}

Result<EnhancedStatus, EnhancedFailure> parse_enhanced_status(std::string_view text) {
  if (text.empty()) return unexpected(EnhancedFailure{EnhancedError::empty, 0});
  // class: exactly one of 2, 4, 5, then '.'
  if (text[0] != '2' && text[0] != '4' && text[0] != '5') {
    return unexpected(EnhancedFailure{EnhancedError::bad_class, 0});
  }
  if (text.size() == 1) return unexpected(EnhancedFailure{EnhancedError::missing_dot, 1});
  if (text[1] != '.') {
    // "25.0.0": the class is longer than one digit; "2x": junk after the class.
    return unexpected(EnhancedFailure{EnhancedError::bad_class, 1});
  }
  const std::size_t subject_start = 2;
  const std::size_t dot2 = text.find('.', subject_start);
  if (dot2 == std::string_view::npos) {
    // A bad subject is reported before the missing dot: "5.x" is non_digit at 2.
    auto subject = parse_field(text.substr(subject_start), subject_start);
    if (!subject.ok()) return unexpected(subject.error());
    return unexpected(EnhancedFailure{EnhancedError::missing_dot, text.size()});
  }
  auto subject = parse_field(text.substr(subject_start, dot2 - subject_start), subject_start);
  if (!subject.ok()) return unexpected(subject.error());
  // Detail runs to the end: a further '.' is a non-digit ("5.7.8.1").
  auto detail = parse_field(text.substr(dot2 + 1), dot2 + 1);
  if (!detail.ok()) return unexpected(detail.error());
  return EnhancedStatus{text[0] - '0', *subject, *detail};
}

EnhancedPrefix parse_enhanced_prefix(std::string_view text) {
  EnhancedPrefix out;
  if (text.size() < 2 || !is_digit(text[0]) || text[1] != '.') return out;
  const std::size_t end = std::min(text.find(' '), text.size());
  auto parsed = parse_enhanced_status(text.substr(0, end));
  if (!parsed.ok()) {
    out.failure = parsed.error();
    return out;
  }
  out.status = *parsed;
  std::size_t i = end;
  while (i < text.size() && text[i] == ' ') ++i;  // "one or more spaces" (RFC 2034 §4)
  out.text_start = i;
  return out;
}

}  // namespace sah::smtp
