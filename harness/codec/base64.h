// Base64 as SMTP AUTH uses it: RFC 4648 §4 alphabet, "=" padding required, nothing else.
// Decoding is strict (RFC 4954 §4 requires a server to reject what it cannot decode) and says
// what is wrong and at which offset, so a conformance report can explain a rejection.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "harness/base/bytes.h"
#include "harness/base/result.h"

namespace sah::codec {

enum class B64Error {
  illegal_char,           // a byte outside A-Z a-z 0-9 + / = (whitespace, CR, LF, '-', '_', 0x80+ …)
  padding_in_middle,      // '=' followed by a data character ("QQ==QQ==", "Q=Q=")
  bad_padding,            // wrong amount of '=' for the quantum ("QQ=" in a 4-char group, "QUJD=", "Q===")
  truncated_quantum,      // length not a multiple of 4 without padding ("QQ", "QUJ")
  nonzero_pad_bits,       // the bits beyond the last full octet are not zero ("QR==", RFC 4648 §3.5)
};

std::string_view to_string(B64Error e);

struct B64Failure {
  B64Error kind;
  std::size_t offset;  // offset of the first offending byte in the input
  friend bool operator==(const B64Failure&, const B64Failure&) = default;
};

// Strict decode. The empty string decodes to empty bytes (an empty message is valid data;
// SMTP's "=" for an empty initial response is handled by the SMTP binding, not here).
Result<Bytes, B64Failure> base64_decode(std::string_view in);
// The same, into a caller's buffer whose capacity is reused (hot loops, fuzzers). On failure
// `out` holds unspecified partial data.
std::optional<B64Failure> base64_decode_into(std::string_view in, Bytes& out);

// Canonical encoding with padding, no line breaks.
Bytes base64_encode(BytesView in);

// Encoded length for n input octets.
constexpr std::size_t base64_encoded_size(std::size_t n) { return (n + 2) / 3 * 4; }

// Lower-case hex, and its strict inverse (even length, [0-9a-fA-F] only).
Bytes hex_encode(BytesView in);
Result<Bytes, std::size_t> hex_decode(std::string_view in);  // error: offset of the bad digit

}  // namespace sah::codec
