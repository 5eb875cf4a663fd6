// Fault switches that act on the SASL messages themselves (catalogue DIG-01, DIG-10, DIG-14,
// NTLM-03, NTLM-07, SCR-10, SCR-11, PLAIN-02, OB-02, EX-01): a client message refused or rewritten before the mechanism sees it,
// or a challenge damaged after the mechanism made it. Only consulted with the fault on; the
// correct server never runs this code. Bounded by the message, which the session has bounded.
#include <algorithm>
#include <array>

#include "harness/codec/base64.h"
#include "harness/sasl/digest_md5.h"
#include "harness/sasl/ntlm_messages.h"
#include "harness/server/session_impl.h"

namespace sah::server {
namespace {

constexpr char kKvSep = '\x01';

// RFC 5802 §7: client-first = gs2-header [reserved-mext ","] username "," nonce …; the
// gs2-header ends at its second ','. nullopt when there is no such header.
std::optional<std::size_t> gs2_header_end(BytesView m) {
  const std::size_t first = m.find(',');
  if (first == BytesView::npos) return std::nullopt;
  const std::size_t second = m.find(',', first + 1);
  if (second == BytesView::npos) return std::nullopt;
  return second + 1;
}

// RFC 7628 §3.1: gs2-header kvsep *(key "=" value kvsep) kvsep; true when a key other than
// auth, host and port appears.
bool has_unknown_oauth_key(BytesView m) {
  constexpr std::array<std::string_view, 3> kKnown = {"auth", "host", "port"};
  std::size_t at = m.find(kKvSep);
  while (at != BytesView::npos && at + 1 < m.size()) {
    const std::size_t next = m.find(kKvSep, at + 1);
    const BytesView pair = m.substr(at + 1, next == BytesView::npos ? BytesView::npos : next - at - 1);
    const std::size_t eq = pair.find('=');
    if (!pair.empty() && eq != BytesView::npos &&
        std::find(kKnown.begin(), kKnown.end(), pair.substr(0, eq)) == kKnown.end())
      return true;
    at = next;
  }
  return false;
}

// RFC 5802 §7: client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions];
// true when an attribute follows r= (the gs2 header is skipped first).
bool scram_has_extension_after_nonce(BytesView m) {
  const auto end = gs2_header_end(m);
  if (!end) return false;
  const std::size_t nonce = m.find(",r=", *end - 1);
  return nonce != BytesView::npos && m.find(',', nonce + 3) != BytesView::npos;
}

// MS-NLMP §2.2.1.3: an AUTHENTICATE_MESSAGE (type 3) with some MaxLen other than its Len.
bool ntlm_maxlen_differs(BytesView m) {
  if (m.size() < sasl::ntlm::kAuthenticateFixed || m.compare(0, 8, std::string_view("NTLMSSP\0", 8)) != 0 ||
      sasl::ntlm::read32(m, 8) != 3)
    return false;
  for (std::size_t at = 12; at <= 52; at += 8)
    if (sasl::ntlm::read16(m, at) != sasl::ntlm::read16(m, at + 2)) return true;
  return false;
}

// RFC 2831 §7.1: LWS after a comma or an empty element, outside quoted strings.
bool digest_list_has_blanks(BytesView m) {
  bool quoted = false;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const char c = m[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') quoted = true;
    if (c == ',' && i + 1 < m.size() && (m[i + 1] == ' ' || m[i + 1] == '\t' || m[i + 1] == ',')) return true;
  }
  return false;
}

}  // namespace

bool Session::Impl::fault_refuses_client_message(BytesView data) {
  const std::string_view name = exchange->info->name;
  // RFC 4616 §2: an authorization identity is part of the PLAIN message; a server without
  // support for it still must not call the message malformed (PLAIN-02).
  if (fault("authzid-unsupported") && name == "PLAIN" && exchange->responses == 0 && !data.empty() &&
      data.front() != '\0') {
    auth_failed(501, "5.5.4", "Authorization identity not supported", false);
    return true;
  }
  // RFC 7628 §3.1: unknown keys must be ignored (OB-02).
  if (fault("oauthbearer-unknown-key-refused") && name == "OAUTHBEARER" && has_unknown_oauth_key(data)) {
    auth_failed(501, "5.5.2", "Malformed authentication data", false);
    return true;
  }
  // RFC 5802 §5.1, §7: unknown optional attributes must be ignored (SCR-11).
  if (fault("scram-unknown-attribute-refused") && is_scram(name) && exchange->responses == 0 &&
      scram_has_extension_after_nonce(data)) {
    auth_failed(501, "5.5.2", "Malformed authentication data", false);
    return true;
  }
  // MS-NLMP §2.2.1.3: MaxLen must be ignored on receipt (NTLM-07).
  if (fault("ntlm-maxlen-checked") && name == "NTLM" && ntlm_maxlen_differs(data)) {
    auth_failed(501, "5.5.2", "Malformed authentication data", false);
    return true;
  }
  // RFC 2831 §7.1: the #rule allows blanks and empty elements (DIG-10).
  if (fault("digest-list-strict") && name == "DIGEST-MD5" && exchange->responses == 0 && digest_list_has_blanks(data)) {
    auth_failed(501, "5.5.2", "Malformed authentication data", false);
    return true;
  }
  return false;
}

Bytes Session::Impl::fault_rewrites_client_message(Bytes data) const {
  // RFC 5802 §5.1: "m" must make the exchange fail; the fault drops it instead (SCR-10).
  if (fault("scram-extensions-ignored") && is_scram(exchange->info->name) && exchange->responses == 0) {
    const auto end = gs2_header_end(data);
    if (end && data.compare(*end, 2, "m=") == 0) {
      const std::size_t comma = data.find(',', *end);
      data.erase(*end, comma == Bytes::npos ? Bytes::npos : comma - *end + 1);
    }
  }
  return data;
}

bool Session::Impl::fault_trusts_digest_reauthentication(const std::optional<std::string_view>& ir_text) {
  // RFC 2831 §2.2: "subsequent authentication" needs state the server saved; a server that
  // takes any initial response as such and trusts its username authenticates a replay (DIG-14).
  if (!fault("digest-subsequent-auth-trusted") || !ir_text) return false;
  auto decoded = codec::base64_decode(*ir_text);
  if (!decoded) return false;
  auto directives = sasl::digest_md5::parse_directives(decoded.value());
  if (!directives) return false;
  auto user = sasl::digest_md5::single(directives.value(), "username");
  if (!user || !*user) return false;
  const bool known = std::any_of(config.accounts.begin(), config.accounts.end(),
                                 [&](const sasl::Account& a) { return a.user == **user; });
  if (!known) return false;
  const std::string identity = **user;
  State next = state;
  next.authenticated = true;
  next.identity = identity;
  transition(next, "fault digest-subsequent-auth-trusted");
  reply(235, "2.7.0", "Authentication successful");
  return true;
}

Bytes Session::Impl::fault_damages_challenge(Bytes challenge) const {
  const std::string_view name = exchange->info->name;
  const bool first = exchange->responses <= 1;
  // RFC 2831 §2.1.1: no stale in an initial challenge, no opaque at all (DIG-01).
  if (fault("digest-challenge-stale-opaque") && name == "DIGEST-MD5" && exchange->responses == 0) {
    challenge += ",stale=true,opaque=\"00\"";
  }
  // RFC 4422 App. A.1: the challenge to AUTH EXTERNAL without an initial response is empty
  // (EX-01); the fault puts a prompt in it.
  if (fault("external-challenge-data") && name == "EXTERNAL" && exchange->responses == 0) challenge = "identity?";
  // MS-NLMP §2.2.2.1: the AV_PAIR list ends with MsvAvEOL; the fault shortens TargetInfoLen
  // (and MaxLen) by the 4 octets of that terminator (NTLM-03).
  if (fault("ntlm-challenge-no-eol") && name == "NTLM" && first && challenge.size() >= sasl::ntlm::kChallengeFixed &&
      challenge.compare(0, 8, std::string_view("NTLMSSP\0", 8)) == 0) {
    const std::uint16_t len = sasl::ntlm::read16(challenge, 40);
    if (len >= 4) {
      sasl::ntlm::put16(challenge, 40, static_cast<std::uint16_t>(len - 4));
      sasl::ntlm::put16(challenge, 42, static_cast<std::uint16_t>(len - 4));
    }
  }
  return challenge;
}

}  // namespace sah::server
