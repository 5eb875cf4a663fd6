#include "harness/report/escape.h"

#include <cstdint>

#include "harness/base/utf8.h"

namespace sah::report {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char kHex[] = "0123456789ABCDEF";

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
    utf8::append(out, cp);
  }
}

// The WHATWG UTF-8 decoder (Encoding Standard §4.1): each maximal invalid subpart (overlong
// form, surrogate, value past U+10FFFF, stray or missing continuation octet, truncation at the
// end) becomes one U+FFFD, and the octet that cut a sequence short is decoded again as the
// start of the next one.
template <typename Emit>
void decode_utf8(std::string_view in, Emit emit) {
  std::size_t i = 0;
  while (i < in.size()) {
    const auto d = utf8::decode(in, i);
    if (d) {
      emit(d->code_point);
      i += d->length;
    } else {
      emit(kReplacement);
      i += d.error().length;
    }
  }
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
      case 0xFFFF: utf8::append(out, kReplacement); break;
      default: append_visible(out, cp);
    }
  });
  return out;
}

}  // namespace sah::report
