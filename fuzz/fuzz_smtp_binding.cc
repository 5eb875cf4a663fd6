// SMTP's framing of SASL (harness/sasl/smtp_binding.h): the decode paths both sides use.
// Properties: whatever decodes is the canonical Base64 of its result (strict RFC 4954 §4);
// "=" is the empty initial response only, "*" a cancel only after a 334; encode/decode round
// trips in both directions; auth_command() puts the initial response inline exactly when the
// line fits 512 octets with CRLF (RFC 4954 §4) and then ends with its encoding.
// Selector byte 0: length of the mechanism name taken from the payload (0..31).
#include <algorithm>
#include <optional>

#include "fuzz/fuzz_common.h"
#include "harness/codec/base64.h"
#include "harness/sasl/smtp_binding.h"

using sah::fuzz::require;
namespace binding = sah::sasl::smtp_binding;
namespace codec = sah::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in = sah::fuzz::input(data, size);
  if (auto c = binding::decode_challenge(in); c) {
    require(codec::base64_encode(*c) == in, "accepted challenge is not canonical Base64");
  } else {
    require(c.error().offset <= in.size(), "challenge error offset beyond the text");
  }
  if (auto ir = binding::decode_initial_response(in); ir) {
    require(in == "=" ? ir->empty() : binding::encode_initial_response(*ir) == in, "initial response round trip");
  } else {
    require(in != "=", "\"=\" refused as initial response");
  }
  if (auto line = binding::decode_response(in); line) {
    require(line->cancel == (in == "*"), "cancel flag is not exactly \"*\"");
    if (!line->cancel) require(binding::encode_response(line->data) == in, "response line round trip");
  } else {
    require(in != "*" && !in.empty(), "\"*\" or the empty line refused after a 334");
  }
  // Encoding side: the raw octets as a message.
  auto ir = binding::decode_initial_response(binding::encode_initial_response(in));
  require(ir.ok() && *ir == in, "encode_initial_response does not decode back");
  auto resp = binding::decode_response(binding::encode_response(in));
  require(resp.ok() && !resp->cancel && resp->data == in, "encode_response does not decode back");
  // The AUTH command line, with a fuzzer-sized mechanism name.
  const auto s = sah::fuzz::select(in, 1);
  const std::size_t n = std::min<std::size_t>(s.sel[0] % 32, s.rest.size());
  const std::string mech(s.rest.substr(0, n));
  const std::optional<sah::Bytes> raw = s.sel[0] & 0x80 ? std::nullopt : std::optional<sah::Bytes>(s.rest.substr(n));
  const sah::Bytes cmd = binding::auth_command(mech, raw);
  const bool inline_ir = binding::initial_response_inline(mech, raw);
  if (inline_ir) {
    const sah::Bytes enc = binding::encode_initial_response(*raw);
    require(cmd == "AUTH " + mech + " " + enc, "inline AUTH line is not AUTH mech encoding");
    require(cmd.size() + 2 <= binding::kMaxCommandLine && binding::fits_inline(mech, enc), "inline line over 512");
  } else {
    require(cmd == "AUTH " + mech, "AUTH line without inline response has extra text");
    if (raw) require(!binding::fits_inline(mech, binding::encode_initial_response(*raw)), "fitting response left off");
  }
  return 0;
}
