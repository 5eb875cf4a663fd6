// MS-NLMP §4.2.1 common inputs and hex helpers shared by the NTLMv1 and NTLMv2 vector tests.
#pragma once

#include <string>
#include <string_view>

#include "harness/base/bytes.h"
#include "harness/codec/base64.h"

namespace sah::sasl::testing {

inline std::string hex(BytesView b) { return codec::hex_encode(b); }

// Hex with blanks and line breaks allowed, as the vectors are printed in the specification.
inline Bytes unhex(std::string_view h) {
  std::string clean;
  for (char c : h) {
    if (c != ' ' && c != '\n') clean += c;
  }
  return codec::hex_decode(clean).value();
}

inline const Bytes kServerChallenge = unhex("0123456789abcdef");
inline const Bytes kClientChallenge(8, '\xaa');

}  // namespace sah::sasl::testing
