// Enhanced mail system status codes (RFC 3463 §2), as servers put them at the start of reply
// text once ENHANCEDSTATUSCODES is negotiated (RFC 2034 §4):
//   status-code = class "." subject "." detail
//   class = "2" / "4" / "5";  subject = 1*3digit;  detail = 1*3digit
// "Each numeric sub-code within the status-code MUST be expressed without leading zero digits"
// and no white space is allowed inside (RFC 3463 §2): "5.07.8" and "5. 7.8" are malformed,
// "5.0.0" is fine (a lone zero is not a leading zero).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "harness/base/result.h"

namespace sah::smtp {

struct EnhancedStatus {
  int klass = 0;    // 2, 4 or 5 ("class" is a keyword)
  int subject = 0;  // 0..999
  int detail = 0;   // 0..999

  std::string to_string() const;  // "5.7.8": the only valid spelling of the triple
  friend bool operator==(const EnhancedStatus&, const EnhancedStatus&) = default;
};

// Why a string is not a status code. Values are stable (reports store them).
enum class EnhancedError {
  empty = 0,             // nothing to parse
  bad_class = 1,         // class is not a single 2, 4 or 5 ("3.0.0", "25.0.0", "x.1.1")
  missing_dot = 2,       // fewer than three dot-separated fields ("5.7")
  empty_field = 3,       // subject or detail has no digits ("5..1", "5.7.", "5. 7.8")
  non_digit = 4,         // a non-digit inside subject or detail ("5.7.8a", "5.7.8.1")
  too_many_digits = 5,   // subject or detail longer than 3 digits ("5.1000.0")
  leading_zero = 6,      // "5.07.8", "5.7.08", "5.00.0"
};

std::string_view to_string(EnhancedError e);

struct EnhancedFailure {
  EnhancedError kind;
  std::size_t offset;  // offset of the offending character in the parsed string
  friend bool operator==(const EnhancedFailure&, const EnhancedFailure&) = default;
};

// The whole of `text` must be one status code.
Result<EnhancedStatus, EnhancedFailure> parse_enhanced_status(std::string_view text);

// The enhanced code at the start of reply text, as RFC 2034 §4 places it: the code, then one
// or more SP (or the end of the text).
struct EnhancedPrefix {
  std::optional<EnhancedStatus> status;          // set when the prefix is well formed
  std::optional<EnhancedFailure> failure;        // set when the text looks like an attempt at a
                                                 // code (a digit, then '.') that is malformed
  std::size_t text_start = 0;                    // where the human text starts after the code
                                                 // and its spaces (0 when neither is set)
  friend bool operator==(const EnhancedPrefix&, const EnhancedPrefix&) = default;
};

// Looks at the first SP-delimited token of `text`. A token that does not start with a digit
// followed by '.' is not an attempt ("2.0.0 OK" is, "mail.example.com" and "10.0.0.1" are
// not); then neither status nor failure is set. Offsets in `failure` are relative to `text`.
EnhancedPrefix parse_enhanced_prefix(std::string_view text);

// RPL-08 class match: the enhanced class equals the first digit of the basic reply code.
constexpr bool class_matches(const EnhancedStatus& e, int reply_code) {
  return e.klass == reply_code / 100;
}

}  // namespace sah::smtp
