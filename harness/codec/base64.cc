#include "harness/codec/base64.h"

#include <array>
#include <cstdint>
#include <optional>

namespace sah::codec {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t kPad = 0x40;      // '='
constexpr std::uint8_t kIllegal = 0x80;  // anything else

constexpr std::array<std::uint8_t, 256> make_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = kIllegal;
  for (std::uint8_t i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = i;
  t['='] = kPad;
  return t;
}
constexpr auto kTable = make_table();

inline std::uint8_t sextet(char c) { return kTable[static_cast<unsigned char>(c)]; }

// Slow path: the input is known to be invalid somewhere (or to end in padding); find the
// first offending byte and say what is wrong with it. Rules, by smallest offset:
//   an illegal byte before any '='             -> illegal_char at it
//   '=' followed later by a data character     -> padding_in_middle at the first '='
//   '=' followed later by an illegal byte      -> illegal_char at that byte
//   a run of '=' to the end of the wrong size  -> bad_padding at the first '='
//   no '=' and a length that is not 4k         -> truncated_quantum at the incomplete group
std::optional<B64Failure> find_structural_error(std::string_view in) {
  const std::size_t n = in.size();
  std::size_t i = 0;
  while (i < n && sextet(in[i]) < 64) ++i;
  if (i == n) {
    if (n % 4 != 0) return B64Failure{B64Error::truncated_quantum, n - n % 4};
    return std::nullopt;
  }
  if (sextet(in[i]) == kIllegal) return B64Failure{B64Error::illegal_char, i};
  const std::size_t pad_start = i;
  for (std::size_t j = pad_start; j < n; ++j) {
    const std::uint8_t v = sextet(in[j]);
    if (v == kIllegal) return B64Failure{B64Error::illegal_char, j};
    if (v < 64) return B64Failure{B64Error::padding_in_middle, pad_start};
  }
  const std::size_t pads = n - pad_start;
  const std::size_t pos_in_group = pad_start % 4;
  const bool well_formed = n % 4 == 0 && (pos_in_group == 2 || pos_in_group == 3) && pads == 4 - pos_in_group;
  if (!well_formed) return B64Failure{B64Error::bad_padding, pad_start};
  return std::nullopt;
}

}  // namespace

std::string_view to_string(B64Error e) {
  switch (e) {
    case B64Error::illegal_char: return "character outside the Base64 alphabet";
    case B64Error::padding_in_middle: return "padding '=' followed by more data";
    case B64Error::bad_padding: return "wrong amount of padding";
    case B64Error::truncated_quantum: return "incomplete 4-character group without padding";
    case B64Error::nonzero_pad_bits: return "non-zero bits after the last octet (RFC 4648 section 3.5)";
  }
  return "unknown Base64 error";
}

Result<Bytes, B64Failure> base64_decode(std::string_view in) {
  Bytes out;
  if (auto err = base64_decode_into(in, out)) return unexpected(*err);
  return out;
}

std::optional<B64Failure> base64_decode_into(std::string_view in, Bytes& out) {
  const std::size_t n = in.size();
  out.clear();
  if (n == 0) return std::nullopt;
  // Fast path over every complete group but the last: table lookups, one combined check.
  const std::size_t groups = n / 4;
  const std::size_t fast_groups = (n % 4 == 0) ? groups - 1 : groups;
  out.resize(groups * 3 + 3);
  char* o = out.data();
  std::uint8_t bad = 0;
  const char* p = in.data();
  for (std::size_t g = 0; g < fast_groups; ++g, p += 4, o += 3) {
    const std::uint8_t a = sextet(p[0]), b = sextet(p[1]), c = sextet(p[2]), d = sextet(p[3]);
    bad |= static_cast<std::uint8_t>(a | b | c | d);
    const std::uint32_t v = (std::uint32_t{a} << 18) | (std::uint32_t{b} << 12) | (std::uint32_t{c} << 6) | d;
    o[0] = static_cast<char>(v >> 16);
    o[1] = static_cast<char>(v >> 8);
    o[2] = static_cast<char>(v);
  }
  if ((bad & 0xC0) != 0 || n % 4 != 0) {
    if (auto err = find_structural_error(in)) return err;
  }
  // The last group: 4 data characters, or 2-3 followed by padding.
  const std::uint8_t a = sextet(p[0]), b = sextet(p[1]), c = sextet(p[2]), d = sextet(p[3]);
  if (((a | b | c | d) & kIllegal) != 0 || a == kPad || b == kPad) {
    if (auto err = find_structural_error(in)) return err;
  }
  if (c == kPad) {  // "xx==": one octet; the low 4 bits of b are padding
    if (d != kPad) return B64Failure{B64Error::padding_in_middle, n - 2};
    if ((b & 0x0F) != 0) return B64Failure{B64Error::nonzero_pad_bits, n - 3};
    o[0] = static_cast<char>((a << 2) | (b >> 4));
    o += 1;
  } else if (d == kPad) {  // "xxx=": two octets; the low 2 bits of c are padding
    if ((c & 0x03) != 0) return B64Failure{B64Error::nonzero_pad_bits, n - 2};
    o[0] = static_cast<char>((a << 2) | (b >> 4));
    o[1] = static_cast<char>(((b & 0x0F) << 4) | (c >> 2));
    o += 2;
  } else {
    o[0] = static_cast<char>((a << 2) | (b >> 4));
    o[1] = static_cast<char>(((b & 0x0F) << 4) | (c >> 2));
    o[2] = static_cast<char>(((c & 0x03) << 6) | d);
    o += 3;
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  return std::nullopt;
}

Bytes base64_encode(BytesView in) {
  Bytes out(base64_encoded_size(in.size()), '=');
  std::size_t i = 0, o = 0;
  auto byte = [&](std::size_t k) { return std::uint32_t{static_cast<unsigned char>(in[k])}; };
  for (; i + 3 <= in.size(); i += 3, o += 4) {
    const std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out[o] = kAlphabet[v >> 18];
    out[o + 1] = kAlphabet[(v >> 12) & 63];
    out[o + 2] = kAlphabet[(v >> 6) & 63];
    out[o + 3] = kAlphabet[v & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    const std::uint32_t v = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0);
    out[o] = kAlphabet[v >> 18];
    out[o + 1] = kAlphabet[(v >> 12) & 63];
    if (rest == 2) out[o + 2] = kAlphabet[(v >> 6) & 63];
  }
  return out;
}

Bytes hex_encode(BytesView in) {
  static constexpr char kDigits[] = "0123456789abcdef";
  Bytes out;
  out.reserve(in.size() * 2);
  for (unsigned char c : in) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

Result<Bytes, std::size_t> hex_decode(std::string_view in) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  out.reserve(in.size() / 2);
  for (std::size_t i = 0; i < in.size(); i += 2) {
    const int hi = nibble(in[i]);
    if (hi < 0) return unexpected(i);
    if (i + 1 == in.size()) return unexpected(i + 1);  // odd length: the missing digit
    const int lo = nibble(in[i + 1]);
    if (lo < 0) return unexpected(i + 1);
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

}  // namespace sah::codec
