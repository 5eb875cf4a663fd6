// Base64 of client messages as the session decodes it: the strict profile of RFC 4954 §4 /
// RFC 4648 §4 (through sasl::smtp_binding), or, under one fault switch, one named leniency, so
// that each B64 case of the catalogue has a decoder against which it must fail.
#pragma once

#include <string_view>

#include "harness/base/bytes.h"
#include "harness/base/result.h"
#include "harness/codec/base64.h"

namespace sah::server {

// At most one is set in practice; each is one fault switch of faults.cc.
struct B64Leniency {
  bool skip_illegal = false;          // b64-skip-illegal
  bool accept_whitespace = false;     // b64-accept-whitespace
  bool accept_url_safe = false;       // b64-accept-url-safe
  bool accept_missing_padding = false;  // b64-accept-missing-padding
  bool accept_pad_in_middle = false;  // b64-accept-pad-in-middle
  bool accept_impossible_length = false;  // b64-accept-impossible-length
  bool pad_bits_misdecoded = false;   // b64-pad-bits-misdecoded
};

// Decodes `text` (never "*" or "=": the caller handles those tokens first).
Result<Bytes, codec::B64Failure> decode_client_base64(std::string_view text, const B64Leniency& lenient);

}  // namespace sah::server
