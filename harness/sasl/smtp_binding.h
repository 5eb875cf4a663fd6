// SMTP's framing of SASL (RFC 4954 §4, §8), in one place (curl's SASLproto): the codes, the
// cancel and empty-initial-response tokens, the 512-octet line rule, and Base64 in both
// directions. Mechanisms never see any of this. Pure functions, no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "harness/base/bytes.h"
#include "harness/base/result.h"
#include "harness/codec/base64.h"

namespace sah::sasl::smtp_binding {

inline constexpr int kContinueCode = 334;  // RFC 4954 §4: server challenge, Base64 text only
inline constexpr int kSuccessCode = 235;   // RFC 4954 §6: authentication succeeded
inline constexpr std::string_view kCancel = "*";                // RFC 4954 §4: client aborts
inline constexpr std::string_view kEmptyInitialResponse = "=";  // RFC 4954 §4: IR present, empty
inline constexpr std::string_view kAuthVerb = "AUTH";
// RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including CRLF; RFC 4954 §4 says
// an initial response that would push AUTH past it MUST NOT be sent inline.
inline constexpr std::size_t kMaxCommandLine = 512;

// Length of "AUTH <mech> <encoded>\r\n".
constexpr std::size_t auth_line_size(std::string_view mech, std::string_view encoded) {
  return kAuthVerb.size() + 1 + mech.size() + 1 + encoded.size() + 2;
}

// True when the encoded initial response (already Base64, or "=") may go on the AUTH line.
constexpr bool fits_inline(std::string_view mech, std::string_view encoded) {
  return auth_line_size(mech, encoded) <= kMaxCommandLine;
}

// The initial response as it goes on the AUTH line: "=" for zero octets, else Base64.
Bytes encode_initial_response(BytesView raw);

// A later response line (after a 334): Base64, and the empty line for zero octets
// ("=" is only defined for the initial response, RFC 4954 §8).
Bytes encode_response(BytesView raw);

// "AUTH <mech>[ <initial>]" without CRLF. When the initial response does not fit the line it is
// left off: the caller then sends it after the empty 334 (see initial_response_inline()).
Bytes auth_command(std::string_view mech, const std::optional<Bytes>& raw_initial);

// Whether auth_command() put the initial response on the line.
bool initial_response_inline(std::string_view mech, const std::optional<Bytes>& raw_initial);

// The text of a 334 reply (after "334 ") -> the challenge octets. Strict Base64 (B64-01); the
// error says what is wrong and at which offset.
Result<Bytes, codec::B64Failure> decode_challenge(std::string_view text);

// Server side: the argument after "AUTH <mech> " -> octets. "=" is the empty response; "*" is
// NOT a cancel here (CONT-04) and fails as undecodable Base64. An empty argument ("AUTH PLAIN ",
// SYN-17) is no initial response at all: reported as truncated_quantum at offset 0.
Result<Bytes, codec::B64Failure> decode_initial_response(std::string_view arg);

// Server side: a response line after a 334. "*" cancels (RFC 4954 §4); anything else is
// strict Base64, the empty line being zero octets (CONT-05) and "=" an error (CONT-06).
struct ClientLine {
  bool cancel = false;
  Bytes data;
};
Result<ClientLine, codec::B64Failure> decode_response(std::string_view line);

}  // namespace sah::sasl::smtp_binding
