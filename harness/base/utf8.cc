#include "harness/base/utf8.h"

namespace sah::utf8 {
namespace {

// What a lead octet promises: the sequence length, its payload bits, and the range the second
// octet must fall in (RFC 3629 §4), with the error when it falls outside that range but is
// still a continuation octet.
struct Lead {
  std::size_t length;
  char32_t bits;
  unsigned lower;
  unsigned upper;
  Error narrowed;  // the reason when 80–BF but outside [lower, upper]
};

Result<Lead, Error> read_lead(unsigned b) {
  if (b >= 0x80 && b <= 0xBF) return unexpected(Error::stray_continuation);
  if (b == 0xC0 || b == 0xC1) return unexpected(Error::overlong);
  if (b >= 0xF5 && b <= 0xF7) return unexpected(Error::too_large);
  if (b >= 0xF8) return unexpected(Error::invalid_octet);
  if (b <= 0xDF) return Lead{2, b & 0x1F, 0x80, 0xBF, Error::bad_continuation};
  if (b == 0xE0) return Lead{3, b & 0x0F, 0xA0, 0xBF, Error::overlong};
  if (b == 0xED) return Lead{3, b & 0x0F, 0x80, 0x9F, Error::surrogate};
  if (b <= 0xEF) return Lead{3, b & 0x0F, 0x80, 0xBF, Error::bad_continuation};
  if (b == 0xF0) return Lead{4, b & 0x07, 0x90, 0xBF, Error::overlong};
  if (b == 0xF4) return Lead{4, b & 0x07, 0x80, 0x8F, Error::too_large};
  return Lead{4, b & 0x07, 0x80, 0xBF, Error::bad_continuation};
}

bool is_continuation(unsigned b) { return b >= 0x80 && b <= 0xBF; }

}  // namespace

std::string_view to_string(Error e) {
  switch (e) {
    case Error::stray_continuation: return "stray-continuation";
    case Error::overlong: return "overlong";
    case Error::surrogate: return "surrogate";
    case Error::too_large: return "too-large";
    case Error::invalid_octet: return "invalid-octet";
    case Error::bad_continuation: return "bad-continuation";
    case Error::truncated: return "truncated";
  }
  return "unknown";
}

Result<Decoded, Invalid> decode(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return unexpected(Invalid{Error::truncated, 0});
  const unsigned first = static_cast<unsigned char>(text[offset]);
  if (first < 0x80) return Decoded{first, 1};
  const auto lead = read_lead(first);
  if (!lead) return unexpected(Invalid{lead.error(), 1});
  char32_t cp = lead->bits;
  for (std::size_t k = 1; k < lead->length; ++k) {
    if (offset + k >= text.size()) return unexpected(Invalid{Error::truncated, k});
    const unsigned b = static_cast<unsigned char>(text[offset + k]);
    const unsigned lower = k == 1 ? lead->lower : 0x80;
    const unsigned upper = k == 1 ? lead->upper : 0xBF;
    if (b < lower || b > upper) {
      const Error why = k == 1 && is_continuation(b) ? lead->narrowed : Error::bad_continuation;
      return unexpected(Invalid{why, k});
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  return Decoded{cp, lead->length};
}

bool valid(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto d = decode(text, i);
    if (!d) return false;
    i += d->length;
  }
  return true;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace sah::utf8
