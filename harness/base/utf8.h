// The one strict UTF-8 decoder (RFC 3629 §3, §4) for every layer: the report's escaping,
// SASLprep, NTLM's UTF-16LE conversion and the mechanisms' well-formedness checks all read
// code points through it, so they agree on what counts as UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "harness/base/result.h"

namespace sah::utf8 {

// Why the octets at an offset are not a UTF-8 character.
enum class Error {
  stray_continuation,  // 80–BF where a character must start
  overlong,            // C0 or C1 lead, E0 80–9F, F0 80–8F: a shorter form exists (§3)
  surrogate,           // ED A0–BF: U+D800–U+DFFF are not characters (§3)
  too_large,           // F5–F7 lead, F4 90–BF: past U+10FFFF (§3)
  invalid_octet,       // F8–FF never appear in UTF-8 (§1)
  bad_continuation,    // a lead followed by an octet that is not the continuation it needs
  truncated,           // the text ends inside a character
};

std::string_view to_string(Error e);

struct Decoded {
  char32_t code_point;
  std::size_t length;  // octets, 1 to 4
};

struct Invalid {
  Error reason;
  // The maximal subpart (Unicode §3.9, "U+FFFD substitution of maximal subparts"): the lead
  // and the continuation octets that were still acceptable before the offending one. At
  // least 1, except when `offset` is at or past the end of the text (0, reason truncated).
  // Skipping it and replacing it with one U+FFFD is the WHATWG Encoding Standard decoder.
  std::size_t length;
};

// The character that starts at `offset` of `text`. The range of the second octet is narrowed
// after E0, ED, F0 and F4 (RFC 3629 §4 UTF8-3 / UTF8-4), so overlong forms, surrogates and
// values past U+10FFFF fail at the first octet that makes them so.
Result<Decoded, Invalid> decode(std::string_view text, std::size_t offset);

// True when every octet of `text` belongs to a well-formed character.
bool valid(std::string_view text);

// Appends the UTF-8 form of `code_point` (at most U+10FFFF; the caller keeps surrogates out).
void append(std::string& out, char32_t code_point);

}  // namespace sah::utf8
