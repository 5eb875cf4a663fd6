#include "harness/server/session_base64.h"

#include <string>

namespace sah::server {
namespace {

bool alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// A decoder that ignores RFC 4648 §3.5: the bits below the last full octet are kept and come out
// as one more octet, so the decoded data differs from what the client meant.
Result<Bytes, codec::B64Failure> decode_keeping_pad_bits(std::string_view text) {
  std::string fixed(text);
  const std::size_t pad = fixed.find('=');
  if (pad == std::string::npos || pad == 0) return codec::base64_decode(text);
  const int v = value(fixed[pad - 1]);
  if (v < 0) return codec::base64_decode(text);
  const int pads = static_cast<int>(fixed.size() - pad);  // 1 or 2
  const int mask = pads == 2 ? 0x0F : 0x03;
  fixed[pad - 1] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[v & ~mask];
  auto decoded = codec::base64_decode(fixed);
  if (!decoded) return decoded;
  Bytes out = std::move(decoded).value();
  out += static_cast<char>(v & mask);
  return out;
}

}  // namespace

Result<Bytes, codec::B64Failure> decode_client_base64(std::string_view text, const B64Leniency& l) {
  std::string t(text);
  if (l.skip_illegal) std::erase_if(t, [](char c) { return !alphabet(c) && c != '='; });
  if (l.accept_whitespace) std::erase_if(t, [](char c) { return c == ' ' || c == '\t'; });
  if (l.accept_url_safe) {
    for (char& c : t) {
      if (c == '-') c = '+';
      if (c == '_') c = '/';
    }
  }
  if (l.accept_impossible_length && t.size() % 4 == 1) t.pop_back();
  if (l.accept_missing_padding && t.find('=') == std::string::npos) {
    if (t.size() % 4 == 2) t += "==";
    if (t.size() % 4 == 3) t += "=";
  }
  if (l.accept_pad_in_middle && t.size() % 4 == 0) {
    Bytes out;
    for (std::size_t i = 0; i < t.size(); i += 4) {
      auto part = codec::base64_decode(std::string_view(t).substr(i, 4));
      if (!part) return unexpected(codec::B64Failure{part.error().kind, part.error().offset + i});
      out += part.value();
    }
    return out;
  }
  auto strict = codec::base64_decode(t);
  if (!strict && l.pad_bits_misdecoded && strict.error().kind == codec::B64Error::nonzero_pad_bits) {
    return decode_keeping_pad_bits(t);
  }
  return strict;
}

}  // namespace sah::server
