// NTLM messages (MS-NLMP §2.2.1) and the NTLMv2 computations (MS-NLMP §3.3.2), for ntlm.cc, the
// tests and the scenario malformers. Little-endian throughout (MS-NLMP §2.2). Every Len /
// BufferOffset read from the wire is checked against the message before anything is read.
//
// NEGOTIATE_MESSAGE (§2.2.1.1)               CHALLENGE_MESSAGE (§2.2.1.2)
//   0  Signature "NTLMSSP\0"        8          0  Signature                      8
//   8  MessageType = 1              4          8  MessageType = 2                4
//  12  NegotiateFlags               4         12  TargetNameFields               8
//  16  DomainNameFields             8         20  NegotiateFlags                 4
//  24  WorkstationFields            8         24  ServerChallenge                8
//  32  Version (NEGOTIATE_VERSION)  8         32  Reserved                       8
//  40  Payload                                40  TargetInfoFields               8
//                                             48  Version (NEGOTIATE_VERSION)    8
//                                             56  Payload
// AUTHENTICATE_MESSAGE (§2.2.1.3)
//   0  Signature 8 · 8 MessageType = 3 · 12 LmChallengeResponseFields 8 · 20 NtChallengeResponseFields 8
//  28  DomainNameFields 8 · 36 UserNameFields 8 · 44 WorkstationFields 8
//  52  EncryptedRandomSessionKeyFields 8 · 60 NegotiateFlags 4 · 64 Version 8 · 72 MIC 16 (when
//      MsvAvFlags has 0x2) · Payload
// Fields = Len (uint16) · MaxLen (uint16, ignored on receipt, NTLM-07) · BufferOffset (uint32).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/base/bytes.h"
#include "harness/base/result.h"

namespace sah::sasl::ntlm {

// NegotiateFlags (MS-NLMP §2.2.2.5).
inline constexpr std::uint32_t kUnicode = 0x00000001;
inline constexpr std::uint32_t kOem = 0x00000002;
inline constexpr std::uint32_t kRequestTarget = 0x00000004;
inline constexpr std::uint32_t kSign = 0x00000010;
inline constexpr std::uint32_t kSeal = 0x00000020;
inline constexpr std::uint32_t kNtlm = 0x00000200;
inline constexpr std::uint32_t kAnonymous = 0x00000800;
inline constexpr std::uint32_t kOemDomainSupplied = 0x00001000;
inline constexpr std::uint32_t kOemWorkstationSupplied = 0x00002000;
inline constexpr std::uint32_t kAlwaysSign = 0x00008000;
inline constexpr std::uint32_t kTargetTypeDomain = 0x00010000;
inline constexpr std::uint32_t kTargetTypeServer = 0x00020000;
inline constexpr std::uint32_t kExtendedSessionSecurity = 0x00080000;
inline constexpr std::uint32_t kTargetInfo = 0x00800000;
inline constexpr std::uint32_t kVersion = 0x02000000;
inline constexpr std::uint32_t k128 = 0x20000000;
inline constexpr std::uint32_t kKeyExch = 0x40000000;
inline constexpr std::uint32_t k56 = 0x80000000;

// AV_PAIR ids (MS-NLMP §2.2.2.1).
inline constexpr std::uint16_t kAvEol = 0;
inline constexpr std::uint16_t kAvNbComputerName = 1;
inline constexpr std::uint16_t kAvNbDomainName = 2;
inline constexpr std::uint16_t kAvFlags = 6;
inline constexpr std::uint16_t kAvTimestamp = 7;
inline constexpr std::uint32_t kAvFlagMicPresent = 0x00000002;

inline constexpr std::size_t kMaxMessage = 4096;  // ours: real messages are a few hundred octets
inline constexpr std::size_t kNegotiateFixed = 32;
inline constexpr std::size_t kChallengeFixed = 48;
inline constexpr std::size_t kAuthenticateFixed = 64;
inline constexpr std::size_t kVersionSize = 8;
inline constexpr std::size_t kMicOffset = 72;
inline constexpr std::size_t kMicSize = 16;

struct ParseError {
  std::size_t offset;  // where in the message the problem is
  std::string_view what;
};

struct Negotiate {
  std::uint32_t flags = 0;
  Bytes domain;       // OEM, when NEGOTIATE_OEM_DOMAIN_SUPPLIED
  Bytes workstation;  // OEM, when NEGOTIATE_OEM_WORKSTATION_SUPPLIED
  Bytes version;      // 8 octets when NEGOTIATE_VERSION, else empty
};

struct AvPair {
  std::uint16_t id;
  Bytes value;
};

struct Challenge {
  std::uint32_t flags = 0;
  Bytes target_name;       // UTF-16LE
  Bytes server_challenge;  // 8 octets
  Bytes target_info;       // raw AV_PAIR list (validated by the parser)
  Bytes version;           // 8 octets when NEGOTIATE_VERSION, else empty
};

struct Authenticate {
  Bytes lm_response;
  Bytes nt_response;
  Bytes domain;       // UTF-16LE
  Bytes user;         // UTF-16LE
  Bytes workstation;  // UTF-16LE
  Bytes encrypted_session_key;
  std::uint32_t flags = 0;
  Bytes version;  // 8 octets (zero when not negotiated)
  Bytes mic;      // 16 octets when the builder is asked to leave room for it / the parser was told
};

// The message type at offset 8 after checking the signature (for order checks), or an error.
Result<std::uint32_t, ParseError> message_type(BytesView m);

Result<Negotiate, ParseError> parse_negotiate(BytesView m);
Result<Challenge, ParseError> parse_challenge(BytesView m);
// `with_mic`: the payload starts after a 16-octet MIC at offset 72 (MsvAvFlags 0x2).
Result<Authenticate, ParseError> parse_authenticate(BytesView m, bool with_mic = false);
// AV_PAIR list: every AvLen inside the buffer, terminated by MsvAvEOL with AvLen 0.
Result<std::vector<AvPair>, ParseError> parse_av_pairs(BytesView b, std::size_t max_pairs = 64);

Bytes build_negotiate(const Negotiate& n);
Bytes build_challenge(const Challenge& c);
// Payload order as in MS-NLMP §4.2.4.3: Domain, User, Workstation, Lm, Nt, session key. With a
// non-empty `mic` (16 octets) the payload starts at 88 and the MIC sits at 72.
Bytes build_authenticate(const Authenticate& a);
Bytes build_av_pairs(const std::vector<AvPair>& pairs);  // appends MsvAvEOL

// UTF-16LE of UTF-8 text (BMP and supplementary planes). Each octet that does not start a
// well-formed character (RFC 3629: overlong forms, encoded surrogates and values past U+10FFFF
// included) becomes one U+FFFD.
Bytes utf16le(std::string_view utf8);
// UTF-8 of UTF-16LE (unpaired surrogates become U+FFFD); nullopt on an odd length.
std::optional<std::string> utf8_of_utf16le(BytesView u);
// Upper case for NTOWFv2 (ASCII letters only: the harness's user names; documented limitation).
std::string ascii_upper(std::string_view s);

// MS-NLMP §3.3.2.
Bytes ntowf_v1(std::string_view password);
Bytes ntowf_v2(std::string_view password, std::string_view user, std::string_view domain);
// temp = 0x01 0x01 · 6 zero · Time (8) · ClientChallenge (8) · 4 zero · TargetInfo · 4 zero
Bytes ntlmv2_temp(BytesView time8, BytesView client_challenge, BytesView target_info);
Bytes nt_proof_str(BytesView ntowfv2, BytesView server_challenge, BytesView temp);
Bytes lmv2_response(BytesView ntowfv2, BytesView server_challenge, BytesView client_challenge);
Bytes session_base_key(BytesView ntowfv2, BytesView nt_proof);

// MS-NLMP §3.3.1 (NTLMv1), for the server's explicit legacy switch only
// (ServerOptions::ntlm_accept_v1); this project's client never sends these.
// DESL(K, D) (MS-NLMP §6): K (16 octets) padded with 5 zero octets to 21, split into three
// 7-octet DES keys, each encrypting the 8-octet D; 24 octets out (empty on wrong sizes).
Bytes desl(BytesView key16, BytesView data8);
// NtChallengeResponse without extended session security: DESL(NTOWFv1, ServerChallenge).
Bytes ntlmv1_response(BytesView ntowfv1, BytesView server_challenge);
// With NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY (the "NTLM2 session response"):
// DESL(NTOWFv1, MD5(ServerChallenge ‖ ClientChallenge)[0..8]); the client challenge travels as
// the first 8 octets of LmChallengeResponse, followed by 16 zero octets.
Bytes ntlm2_session_response(BytesView ntowfv1, BytesView server_challenge, BytesView client_challenge);

std::uint16_t read16(BytesView b, std::size_t at);  // caller has checked at + 2 <= size
std::uint32_t read32(BytesView b, std::size_t at);  // caller has checked at + 4 <= size
void put16(Bytes& b, std::size_t at, std::uint16_t v);
void put32(Bytes& b, std::size_t at, std::uint32_t v);

}  // namespace sah::sasl::ntlm
