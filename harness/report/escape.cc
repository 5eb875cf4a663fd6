#include "harness/report/escape.h"

#include <cstdint>

namespace sah::report {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char kHex[] = "0123456789ABCDEF";

void append_utf8(std::string& out, char32_t cp) {
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

void append_hex_octet(std::string& out, unsigned octet) {
  out += "\\x";
  out += kHex[(octet >> 4) & 0xF];
  out += kHex[octet & 0xF];
}

bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// One decoded code point, made visible: controls as \xHH of their octets, bidi controls as
// \uXXXX, everything else as UTF-8.
void append_visible(std::string& out, char32_t cp) {
  if (cp < 0x20 || cp == 0x7F) {
    append_hex_octet(out, static_cast<unsigned>(cp));
  } else if (cp >= 0x80 && cp <= 0x9F) {
    append_hex_octet(out, 0xC2);  // the two octets a C1 control takes in UTF-8
    append_hex_octet(out, static_cast<unsigned>(cp));
  } else if (is_bidi_control(cp)) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
  } else {
    append_utf8(out, cp);
  }
}

// The WHATWG UTF-8 decoder (Encoding Standard §4.1): the accepted range of each continuation
// octet is narrowed after E0/ED/F0/F4, which rejects overlong forms, UTF-16 surrogates and
// values past U+10FFFF at the first octet that makes them so; an octet that ends a sequence
// early is decoded again as the start of the next one.
template <typename Emit>
void decode_utf8(std::string_view in, Emit emit) {
  char32_t cp = 0;
  int needed = 0;
  int seen = 0;
  unsigned lower = 0x80;
  unsigned upper = 0xBF;
  std::size_t i = 0;
  while (i < in.size()) {
    const unsigned b = static_cast<unsigned char>(in[i]);
    if (needed == 0) {
      ++i;
      if (b <= 0x7F) {
        emit(static_cast<char32_t>(b));
      } else if (b >= 0xC2 && b <= 0xDF) {
        needed = 1;
        cp = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
        needed = 2;
        cp = b & 0x0F;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
        needed = 3;
        cp = b & 0x07;
      } else {
        emit(kReplacement);  // C0, C1, F5–FF, or a continuation octet with no lead
      }
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence is cut short: one replacement for it, then read `b` afresh.
      cp = 0;
      needed = seen = 0;
      lower = 0x80;
      upper = 0xBF;
      emit(kReplacement);
      continue;
    }
    ++i;
    lower = 0x80;
    upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    if (++seen == needed) {
      emit(cp);
      cp = 0;
      needed = seen = 0;
    }
  }
  if (needed != 0) emit(kReplacement);  // truncated at the end of the text
}

}  // namespace

std::string visible_text(std::string_view untrusted) {
  std::string out;
  out.reserve(untrusted.size());
  decode_utf8(untrusted, [&](char32_t cp) { append_visible(out, cp); });
  return out;
}

std::string html_escape(std::string_view untrusted) {
  std::string out;
  out.reserve(untrusted.size() + untrusted.size() / 8);
  decode_utf8(untrusted, [&](char32_t cp) {
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: append_visible(out, cp);
    }
  });
  return out;
}

std::string xml_escape(std::string_view untrusted) {
  // The visible form holds no control characters at all (they became \xHH), and U+FFFE/FFFF
  // are the only other code points XML 1.0 excludes: they pass through as U+FFFD.
  std::string out;
  out.reserve(untrusted.size() + untrusted.size() / 8);
  decode_utf8(untrusted, [&](char32_t cp) {
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case 0xFFFE:
      case 0xFFFF: append_utf8(out, kReplacement); break;
      default: append_visible(out, cp);
    }
  });
  return out;
}

}  // namespace sah::report
