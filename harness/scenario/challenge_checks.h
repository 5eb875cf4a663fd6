// Structure checks of server challenges for the `check` conditions (scenarios/README.md): each
// takes the Base64 text of a 334 payload as captured by `expect 334 $c`, decodes it strictly
// (RFC 4954 §4) and tells whether the decoded challenge has the form its mechanism prescribes.
// An undecodable payload never has the form. Pure, bounded by the captured text.
#pragma once

#include <string_view>

#include "harness/base/bytes.h"

namespace sah::scenario {

// RFC 2195 §2 (CRAM-01): the challenge has the syntax of an RFC 822 msg-id, "<" local "@" domain
// ">" of printable characters other than "<", ">" and "@" inside.
bool cram_challenge_form(BytesView base64);

// Non-empty and only printable US-ASCII (0x20-0x7E): the LENIENT form of CRAM-01.
bool printable_challenge(BytesView base64);

// RFC 2831 §2.1.1 (DIG-01): nonce and algorithm=md5-sess exactly once; charset, maxbuf, stale
// at most once, no stale in an initial challenge; charset only utf-8; cipher when qop offers
// auth-conf; no opaque, no domain; under 2048 octets.
bool digest_initial_challenge_form(BytesView base64);

// MS-NLMP §2.2.1.2, §2.2.2.1 (NTLM-03): signature, MessageType 2, fields inside the message and
// outside the fixed part, an 8-octet ServerChallenge, TargetInfo an AV_PAIR list ending in
// MsvAvEOL.
bool ntlm_challenge_form(BytesView base64);

// RFC 5802 §5.1, RFC 7677 §4 (SCR-02): a server-first-message whose iteration count is at least
// 4096.
inline constexpr unsigned long kScramMinIterations = 4096;
bool scram_iterations_sufficient(BytesView base64);

}  // namespace sah::scenario
