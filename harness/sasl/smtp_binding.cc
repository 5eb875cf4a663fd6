#include "harness/sasl/smtp_binding.h"

namespace sah::sasl::smtp_binding {

Bytes encode_initial_response(BytesView raw) {
  if (raw.empty()) return Bytes(kEmptyInitialResponse);
  return codec::base64_encode(raw);
}

Bytes encode_response(BytesView raw) { return codec::base64_encode(raw); }

bool initial_response_inline(std::string_view mech, const std::optional<Bytes>& raw_initial) {
  if (!raw_initial) return false;
  // Computed from sizes only: the encoding is not built just to be measured.
  const std::size_t encoded =
      raw_initial->empty() ? kEmptyInitialResponse.size() : codec::base64_encoded_size(raw_initial->size());
  return kAuthVerb.size() + 1 + mech.size() + 1 + encoded + 2 <= kMaxCommandLine;
}

Bytes auth_command(std::string_view mech, const std::optional<Bytes>& raw_initial) {
  Bytes line(kAuthVerb);
  line += ' ';
  line += mech;
  if (initial_response_inline(mech, raw_initial)) {
    line += ' ';
    line += encode_initial_response(*raw_initial);
  }
  return line;
}

Result<Bytes, codec::B64Failure> decode_challenge(std::string_view text) {
  return codec::base64_decode(text);
}

Result<Bytes, codec::B64Failure> decode_initial_response(std::string_view arg) {
  if (arg == kEmptyInitialResponse) return Bytes{};
  if (arg.empty()) return unexpected(codec::B64Failure{codec::B64Error::truncated_quantum, 0});
  return codec::base64_decode(arg);
}

Result<ClientLine, codec::B64Failure> decode_response(std::string_view line) {
  if (line == kCancel) return ClientLine{true, {}};
  auto decoded = codec::base64_decode(line);
  if (!decoded) return unexpected(decoded.error());
  return ClientLine{false, std::move(decoded).value()};
}

}  // namespace sah::sasl::smtp_binding
