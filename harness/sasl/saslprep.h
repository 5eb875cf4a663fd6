// SASLprep (RFC 4013), the stringprep profile (RFC 3454) for user names and passwords, as SCRAM
// uses it (RFC 5802 §2.2 Normalize(), §5.1 user names).
//
// What is implemented, in RFC 4013 order:
//   §2.1 mapping: non-ASCII spaces (C.1.2) to SP, "commonly mapped to nothing" (B.1) removed;
//   §2.2 NFKC: exact for every code point NFKC leaves alone and for every code point of these
//        blocks: Latin-1 Supplement, Latin Extended-A/B, IPA, Spacing Modifiers, Greek, Cyrillic,
//        Latin Extended Additional, Greek Extended, General Punctuation, Super/Subscripts,
//        Currency, Letterlike, Number Forms, Enclosed Alphanumerics, U+3000, Alphabetic
//        Presentation Forms, Halfwidth/Fullwidth Forms (halfwidth Hangul and kana marks aside);
//   §2.3 prohibited output (C.1.2, C.2.1, C.2.2, C.3–C.9), complete;
//   §2.4 bidirectional check (RFC 3454 §6, tables D.1 and D.2), complete;
//   §2.5 unassigned code points (A.1), complete: refused for stored strings only.
// What is NOT covered: any other code point that NFKC changes (CJK compatibility ideographs,
// Arabic presentation forms, Hangul compatibility jamo, …) and every combining mark (composition
// would need the full Unicode tables). Such input fails with `not_covered`, never silently
// prepared wrongly. ASCII input without control characters always passes unchanged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "harness/base/result.h"

namespace sah::sasl::saslprep {

enum class Error {
  invalid_utf8,  // not RFC 3629 UTF-8
  prohibited,    // RFC 4013 §2.3
  bidi,          // RFC 4013 §2.4 / RFC 3454 §6
  unassigned,    // RFC 4013 §2.5, stored strings only
  not_covered,   // a code point this implementation cannot normalize (see above)
};

std::string_view to_string(Error e);

struct Failure {
  Error kind;
  std::size_t offset;  // byte offset in the input of the offending character
  friend bool operator==(const Failure&, const Failure&) = default;
};

enum class Mode { query, stored };  // RFC 3454 §7

// Output is UTF-8. An input that maps to nothing gives the empty string (callers decide whether
// an empty name or password is acceptable).
Result<std::string, Failure> prepare(std::string_view utf8, Mode mode = Mode::query);

}  // namespace sah::sasl::saslprep
