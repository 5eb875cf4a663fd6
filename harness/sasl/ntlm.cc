// NTLM over SASL-style steps (MS-NLMP; MS-SMTPNTLM for SMTP): NEGOTIATE, CHALLENGE,
// AUTHENTICATE, NTLMv2 only on both sides (NTLM-14: v1 and LM responses are refused). The
// server side has one explicit legacy switch, ServerOptions::ntlm_accept_v1 (default off), that
// also verifies NTLMv1 responses, for interoperability tests with v1-only clients.
//
// Initial step: the client's initial_response() is the NEGOTIATE_MESSAGE, so
//   C: AUTH NTLM <b64 NEGOTIATE>      S: 334 <b64 CHALLENGE>    (MS-SMTPNTLM §3.1.5.1, NTLM-02)
// Without it, the server side's start() answers an empty challenge; MS-SMTPNTLM's
// `334 ntlm supported` text (anomaly 5.7) is the SMTP binding's business, which must hand this
// client an empty challenge rather than decode that text. No success data: 235 ends it.
//
// No clock in the pure core: the NTLMv2 Time is the server's MsvAvTimestamp when it sent one
// (MS-NLMP §3.1.5.1.2), else zero, which is what MS-NLMP §4.2.4's vector uses.
#include <array>
#include <memory>

#include "harness/sasl/crypto.h"
#include "harness/sasl/mech_util.h"
#include "harness/sasl/mechanisms.h"
#include "harness/sasl/ntlm_messages.h"

namespace sah::sasl {
namespace {

using namespace ntlm;  // NOLINT(google-build-using-namespace): flag names read better unqualified

constexpr std::size_t kNtProofSize = 16;
constexpr std::size_t kTempHeader = 28;  // temp up to and including the 4 reserved octets
constexpr std::size_t kNtlmv1Size = 24;

// What this client asks for (the flags of MS-SMTPNTLM §4.2's NEGOTIATE without SIGN/SEAL, which
// SMTP never uses) and the Version it claims: MS-NLMP §4.2.4.3's client (5.1 build 2600, rev 15).
constexpr std::uint32_t kClientFlags = kUnicode | kOem | kRequestTarget | kNtlm | kAlwaysSign |
                                       kExtendedSessionSecurity | kVersion | k128 | kKeyExch | k56;
constexpr std::string_view kClientVersion{"\x05\x01\x28\x0a\x00\x00\x00\x0f", 8};
// The server echoes what it supports of the client's flags and adds its own (MS-NLMP
// §3.2.5.1.1); Version is MS-NLMP §4.2.4.3's server (6.0 build 6000, rev 15).
constexpr std::uint32_t kServerEchoes = kUnicode | kOem | kSign | kSeal | kNtlm | kAlwaysSign |
                                        kExtendedSessionSecurity | kVersion | k128 | kKeyExch | k56;
constexpr std::uint32_t kServerAdds = kNtlm | kTargetTypeServer | kTargetInfo;
constexpr std::string_view kServerVersion{"\x06\x00\x70\x17\x00\x00\x00\x0f", 8};

constexpr std::array kCorruptions = {
    CorruptionInfo{"wrong-password", "NTLMv2 response computed from the password plus 'x' (NTLM-06)", Why::bad_credentials},
    CorruptionInfo{"unknown-user", "a user name that does not exist", Why::bad_credentials},
    CorruptionInfo{"ntproof-flip-bit", "one bit of NTProofStr flipped", Why::bad_credentials},
    CorruptionInfo{"ntlmv1-response", "24-octet NTLMv1-sized NtChallengeResponse (NTLM-14)", Why::bad_credentials},
    CorruptionInfo{"anonymous", "empty user, empty NT response, LM = one zero octet (NTLM-11)", Why::bad_credentials},
    CorruptionInfo{"offset-beyond-message", "NtChallengeResponse BufferOffset = message length (NTLM-08)", Why::malformed},
    CorruptionInfo{"length-overflow", "NtChallengeResponse offset 0xFFFFFFF0, Len 0x20: 32-bit wrap (NTLM-08)", Why::malformed},
    CorruptionInfo{"offset-into-header", "UserName BufferOffset 8, inside the fixed header (NTLM-08)", Why::malformed},
    CorruptionInfo{"length-past-end", "NtChallengeResponse Len larger than the octets left (NTLM-08)", Why::malformed},
    CorruptionInfo{"odd-unicode-length", "UserName Len odd for a UTF-16 field (NTLM-08)", Why::malformed},
    CorruptionInfo{"overlapping-fields", "DomainName made to share the UserName octets (NTLM-08)", Why::malformed},
    CorruptionInfo{"bad-signature", "signature NTLMSSQ\\0 (NTLM-09)", Why::malformed},
    CorruptionInfo{"wrong-message-type", "AUTHENTICATE with MessageType 4 (NTLM-09)", Why::malformed},
    CorruptionInfo{"negotiate-twice", "a second NEGOTIATE instead of the AUTHENTICATE (NTLM-09)", Why::malformed},
    CorruptionInfo{"authenticate-first", "an AUTHENTICATE as the first message (NTLM-09)", Why::malformed},
    CorruptionInfo{"truncated-message", "AUTHENTICATE cut to 10 octets (NTLM-09)", Why::malformed},
    CorruptionInfo{"oversized-field", "Workstation of 5000 octets, message above the bound", Why::malformed},
    CorruptionInfo{"nt-response-truncated", "NtChallengeResponse of 16 octets, the proof alone (NTLM-10)", Why::malformed},
    CorruptionInfo{"av-pair-past-end", "an AvLen in the client's temp that runs past its end (NTLM-10)", Why::malformed},
    CorruptionInfo{"mic-flip-bit", "MsvAvFlags 0x2 and a MIC (added even without a server timestamp) with one bit flipped (NTLM-12)", Why::bad_credentials},
    CorruptionInfo{"maxlen-ffff", "every MaxLen of the AUTHENTICATE set to 0xFFFF (NTLM-07): a variation a correct server accepts", Why::none},
    CorruptionInfo{"maxlen-zero", "every MaxLen of the AUTHENTICATE set to 0 (NTLM-07): a variation a correct server accepts", Why::none},
};

// The six field descriptors of an AUTHENTICATE_MESSAGE (Lm, Nt, Domain, User, Workstation,
// EncryptedRandomSessionKey; MS-NLMP §2.2.1.3): Len at the offset, MaxLen two octets later.
constexpr std::array<std::size_t, 6> kAuthenticateFieldOffsets = {12, 20, 28, 36, 44, 52};

// Finds an AV_PAIR's value in an already validated list.
std::optional<Bytes> av_value(BytesView list, std::uint16_t id) {
  auto pairs = parse_av_pairs(list);
  if (!pairs) return std::nullopt;
  for (const AvPair& p : *pairs) {
    if (p.id == id) return p.value;
  }
  return std::nullopt;
}

// Adds MsvAvFlags |= MIC-present before MsvAvEOL (MS-NLMP §3.1.5.1.2).
Bytes with_mic_flag(BytesView list) {
  auto pairs = parse_av_pairs(list);
  if (!pairs) return Bytes(list);
  std::vector<AvPair> out;
  bool found = false;
  for (AvPair p : *pairs) {
    if (p.id == kAvFlags && p.value.size() == 4) {
      put32(p.value, 0, read32(p.value, 0) | kAvFlagMicPresent);
      found = true;
    }
    out.push_back(std::move(p));
  }
  if (!found) {
    Bytes v(4, '\0');
    put32(v, 0, kAvFlagMicPresent);
    out.push_back({kAvFlags, v});
  }
  return build_av_pairs(out);
}

class NtlmClient final : public detail::ClientFirstMechanism {
 public:
  explicit NtlmClient(const ClientOptions& o) : o_(o) {}

 protected:
  Bytes first_message() override {
    if (o_.corruption == "authenticate-first") {
      Authenticate a;
      a.flags = kUnicode | kNtlm;
      negotiate_ = build_authenticate(a);
    } else {
      Negotiate n;
      n.flags = kClientFlags;
      n.version = Bytes(kClientVersion);
      negotiate_ = build_negotiate(n);
    }
    return negotiate_;
  }

  Step next(BytesView challenge) override {
    if (++steps_ > 1) return Step::fail(Why::bad_server, "NTLM server sent a challenge after the AUTHENTICATE");
    return answer(challenge);
  }

 private:
  static Step bad(std::string why) { return Step::fail(Why::bad_server, std::move(why)); }

  Step answer(BytesView challenge) {
    if (o_.random == nullptr) return Step::fail(Why::unsupported, "no random source configured");
    if (!crypto::md4_available()) return Step::fail(Why::unsupported, "MD4 unavailable (OpenSSL legacy provider)");
    auto parsed = parse_challenge(challenge);
    if (!parsed) {
      return bad("NTLM CHALLENGE: " + std::string(parsed.error().what) + " at offset " +
                 std::to_string(parsed.error().offset));
    }
    const Challenge& ch = *parsed;
    if ((ch.flags & kUnicode) == 0) return Step::fail(Why::unsupported, "NTLM server did not agree to Unicode");
    const std::string& c = o_.corruption;
    if (c == "negotiate-twice") return Step::respond(negotiate_);

    // "DOMAIN\user" names the domain; otherwise it is empty.
    std::string user = o_.authcid;
    std::string domain;
    if (const std::size_t bs = user.find('\\'); bs != std::string::npos) {
      domain = user.substr(0, bs);
      user = user.substr(bs + 1);
    }
    if (c == "unknown-user") user += ".nosuchuser";
    std::string password = o_.password;
    if (c == "wrong-password") password += 'x';

    const Bytes client_challenge = detail::random_bytes(o_.random, 8);
    const std::optional<Bytes> timestamp = av_value(ch.target_info, kAvTimestamp);
    const Bytes time = timestamp && timestamp->size() == 8 ? *timestamp : Bytes(8, '\0');
    // MS-NLMP §3.1.5.1.2: with a server timestamp the client adds a MIC and says so;
    // mic-flip-bit adds one in any case, to be damaged below (NTLM-12).
    const bool mic = timestamp.has_value() || c == "mic-flip-bit";
    const Bytes target_info = mic ? with_mic_flag(ch.target_info) : ch.target_info;
    const Bytes key_v2 = ntowf_v2(password, user, domain);
    Bytes temp = ntlmv2_temp(time, client_challenge, target_info);
    if (c == "av-pair-past-end") {
      // The first AvLen (after the 28-octet temp header) made to run past the end.
      if (temp.size() >= kTempHeader + 4) put16(temp, kTempHeader + 2, 0xFFF0);
    }
    Bytes proof = nt_proof_str(key_v2, ch.server_challenge, temp);
    const Bytes base_key = session_base_key(key_v2, proof);
    if (c == "ntproof-flip-bit") detail::flip_bit(proof, 0);

    Authenticate a;
    a.flags = (ch.flags & ~(kOem | kTargetTypeDomain | kTargetTypeServer)) | (kClientFlags & kRequestTarget);
    a.version = Bytes(kClientVersion);
    a.domain = utf16le(domain);
    a.user = utf16le(user);
    a.workstation = utf16le(o_.workstation);
    a.lm_response = lmv2_response(key_v2, ch.server_challenge, client_challenge);
    a.nt_response = proof + temp;
    Bytes exported_key = base_key;  // NTLMv2: KeyExchangeKey = SessionBaseKey (§3.4.5.1)
    if ((ch.flags & kKeyExch) != 0) {
      exported_key = detail::random_bytes(o_.random, 16);
      a.encrypted_session_key = crypto::rc4(base_key, exported_key);
    }
    if (c == "ntlmv1-response") a.nt_response = a.nt_response.substr(0, kNtlmv1Size);
    if (c == "nt-response-truncated") a.nt_response = a.nt_response.substr(0, kNtProofSize);
    if (c == "anonymous") {
      a.user.clear();
      a.domain.clear();
      a.nt_response.clear();
      a.lm_response = Bytes(1, '\0');
      a.encrypted_session_key.clear();
      a.flags |= kAnonymous;
    }
    if (c == "oversized-field") a.workstation = Bytes(5000, 'W');
    if (mic) a.mic = Bytes(kMicSize, '\0');
    Bytes m = build_authenticate(a);
    // MS-NLMP §2.2.1.3: MaxLen "SHOULD be set to the value of Len" and "MUST be ignored on
    // receipt" (NTLM-07). Set before the MIC, which covers the whole message.
    if ((c == "maxlen-ffff" || c == "maxlen-zero") && m.size() >= kAuthenticateFixed) {
      for (std::size_t at : kAuthenticateFieldOffsets) put16(m, at + 2, c == "maxlen-ffff" ? 0xFFFF : 0);
    }
    if (mic && !exported_key.empty()) {
      // MS-NLMP §3.1.5.1.2: MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE ‖ CHALLENGE ‖ AUTHENTICATE)
      // computed with the MIC field zeroed.
      Bytes value = crypto::hmac(crypto::Digest::md5, exported_key, negotiate_ + Bytes(challenge) + m);
      if (c == "mic-flip-bit") detail::flip_bit(value, 0);
      m.replace(kMicOffset, kMicSize, value);
    }
    corrupt_layout(m);
    return Step::respond(m);
  }

  // Corruptions of the layout, made on the finished message so that everything else stays valid.
  void corrupt_layout(Bytes& m) const {
    const std::string& c = o_.corruption;
    if (m.size() < kAuthenticateFixed) return;
    if (c == "offset-beyond-message") put32(m, 24, static_cast<std::uint32_t>(m.size()));
    if (c == "length-overflow") {
      put16(m, 20, 0x20);
      put32(m, 24, 0xFFFFFFF0u);
    }
    if (c == "offset-into-header") put32(m, 40, 8);
    if (c == "length-past-end") {
      const std::uint32_t off = read32(m, 24);
      put16(m, 20, static_cast<std::uint16_t>(std::min<std::size_t>(0xFFFF, m.size() - off + 2)));
    }
    if (c == "odd-unicode-length") put16(m, 36, static_cast<std::uint16_t>(read16(m, 36) | 1));
    if (c == "overlapping-fields") {
      put16(m, 28, read16(m, 36));
      put32(m, 32, read32(m, 40));
    }
    if (c == "bad-signature") m[6] = 'Q';
    if (c == "wrong-message-type") put32(m, 8, 4);
    if (c == "truncated-message") m.resize(10);
  }

  ClientOptions o_;
  Bytes negotiate_;
  int steps_ = 0;
};

class NtlmServer final : public ServerMechanism {
 public:
  explicit NtlmServer(const ServerOptions& o) : o_(o) {}

  Step start(const std::optional<Bytes>& initial) override {
    if (o_.random == nullptr) return finish(Step::fail(Why::unsupported, "no random source configured"));
    if (!crypto::md4_available()) return finish(Step::fail(Why::unsupported, "MD4 unavailable"));
    if (!initial) return Step::respond({});  // MS-SMTPNTLM §3.2.5.1.1: wait for the NEGOTIATE
    return negotiate(*initial);
  }

  Step step(BytesView response) override {
    if (finished_) return Step::fail(Why::malformed, "NTLM exchange already finished");
    if (challenge_.empty()) return negotiate(response);
    return authenticate(response);
  }

  std::string authorized_identity() const override { return identity_; }

 private:
  Step finish(Step s) {
    finished_ = true;
    return s;
  }
  Step malformed(std::string_view stage, const ParseError& e) {
    return finish(Step::fail(Why::malformed, "NTLM " + std::string(stage) + ": " + std::string(e.what) +
                                                 " at offset " + std::to_string(e.offset)));
  }

  Step negotiate(BytesView m) {
    auto type = message_type(m);
    if (type && *type != 1) {
      return finish(Step::fail(Why::malformed, "NTLM: expected a NEGOTIATE (type 1) first (NTLM-09)"));
    }
    auto n = parse_negotiate(m);
    if (!n) return malformed("NEGOTIATE", n.error());
    if ((n->flags & kUnicode) == 0) return finish(Step::fail(Why::unsupported, "NTLM client does not offer Unicode"));
    negotiate_ = Bytes(m);
    Challenge c;
    c.flags = (n->flags & kServerEchoes) | kServerAdds;
    c.server_challenge = detail::random_bytes(o_.random, 8);
    c.target_name = utf16le(o_.realm);
    c.target_info = build_av_pairs({{kAvNbDomainName, utf16le(o_.ntlm_domain.empty() ? o_.realm : o_.ntlm_domain)},
                                    {kAvNbComputerName, utf16le(o_.host)}});
    if ((c.flags & kVersion) != 0) c.version = Bytes(kServerVersion);
    server_challenge_ = c.server_challenge;
    challenge_ = build_challenge(c);
    return Step::respond(challenge_);
  }

  Step authenticate(BytesView m) {
    finished_ = true;
    auto type = message_type(m);
    if (!type) return malformed("AUTHENTICATE", type.error());
    if (*type != 3) return finish(Step::fail(Why::malformed, "NTLM: expected an AUTHENTICATE (type 3) (NTLM-09)"));
    auto a = parse_authenticate(m);
    if (!a) return malformed("AUTHENTICATE", a.error());
    if ((a->flags & kUnicode) == 0) return finish(Step::fail(Why::unsupported, "NTLM AUTHENTICATE is not Unicode"));
    // Anonymous (MS-NLMP §3.3.2): never an authenticated submission session (NTLM-11).
    if (a->user.empty() || a->nt_response.empty()) return detail::credentials_rejected();
    // NTLMv1 responses (24 octets) are refused (NTLM-14) unless the legacy switch is on.
    if (a->nt_response.size() == kNtlmv1Size) {
      if (!o_.ntlm_accept_v1) return detail::credentials_rejected();
      return authenticate_v1(*a);
    }
    // NTProofStr (16) then temp: a 28-octet header, AV pairs, 4 reserved octets (NTLM-10).
    if (a->nt_response.size() < kNtProofSize + kTempHeader + 4) {
      return finish(Step::fail(Why::malformed, "NTLMv2 response shorter than NTProofStr and temp"));
    }
    const BytesView nt = a->nt_response;
    const BytesView temp = nt.substr(kNtProofSize);
    if (temp[0] != '\x01' || temp[1] != '\x01') {
      return finish(Step::fail(Why::malformed, "NTLMv2 temp has a wrong RespType/HiRespType"));
    }
    const BytesView av = temp.substr(kTempHeader);
    auto pairs = parse_av_pairs(av);
    if (!pairs) return malformed("NTLMv2 temp AV pairs", pairs.error());
    bool mic_claimed = false;
    for (const AvPair& p : *pairs) {
      if (p.id == kAvFlags && p.value.size() == 4 && (read32(p.value, 0) & kAvFlagMicPresent) != 0) mic_claimed = true;
    }
    Authenticate with_mic;
    if (mic_claimed) {
      auto again = parse_authenticate(m, true);
      if (!again) return malformed("AUTHENTICATE", again.error());
      with_mic = std::move(again).value();
    }
    const auto user = utf8_of_utf16le(a->user);
    const auto domain = utf8_of_utf16le(a->domain);
    if (!user || !domain) return finish(Step::fail(Why::malformed, "NTLM names are not UTF-16"));
    // The same computation for unknown users (SEC-02).
    const Account* account = detail::find_account(o_, *user);
    const Bytes key_v2 = ntowf_v2(account ? account->password : std::string("\x01unknown"), *user, *domain);
    const Bytes proof = nt_proof_str(key_v2, server_challenge_, temp);
    bool ok = crypto::equal_secret(proof, nt.substr(0, kNtProofSize)) && account != nullptr;
    if (ok && mic_claimed) {
      const Bytes base_key = session_base_key(key_v2, proof);
      Bytes exported = base_key;
      if ((a->flags & kKeyExch) != 0) {
        if (a->encrypted_session_key.size() != 16) return detail::credentials_rejected();
        exported = crypto::rc4(base_key, a->encrypted_session_key);  // RC4 is its own inverse
      }
      Bytes zeroed(m);
      zeroed.replace(kMicOffset, kMicSize, kMicSize, '\0');
      const Bytes want = crypto::hmac(crypto::Digest::md5, exported, negotiate_ + challenge_ + zeroed);
      ok = crypto::equal_secret(want, with_mic.mic);  // NTLM-12
    }
    if (!ok) return detail::credentials_rejected();
    identity_ = *user;
    return Step::done();
  }

  // NTLMv1 (MS-NLMP §3.3.1), only with ServerOptions::ntlm_accept_v1. The AUTHENTICATE's
  // NegotiateFlags say which form the client computed (MS-NLMP §3.2.5.1.2):
  //   without EXTENDED_SESSIONSECURITY: Nt = DESL(NTOWFv1, ServerChallenge);
  //   with it (NTLM2 session response): Nt = DESL(NTOWFv1, MD5(ServerChallenge ‖ ClientChallenge)[0..8]),
  //   the client challenge being the first 8 octets of the 24-octet LmChallengeResponse.
  // Only the NT response is verified: an LM response is never taken as proof. No MIC exists in
  // v1 (no AV pairs). Unknown users go through the same computation against a dummy (SEC-02).
  Step authenticate_v1(const Authenticate& a) {
    const auto user = utf8_of_utf16le(a.user);
    const auto domain = utf8_of_utf16le(a.domain);
    if (!user || !domain) return finish(Step::fail(Why::malformed, "NTLM names are not UTF-16"));
    const bool session_security = (a.flags & kExtendedSessionSecurity) != 0;
    if (session_security && a.lm_response.size() != kNtlmv1Size) {
      return finish(Step::fail(Why::malformed, "NTLM2 session response without a 24-octet LmChallengeResponse"));
    }
    const Account* account = detail::find_account(o_, *user);
    const Bytes key = ntowf_v1(account ? account->password : std::string("\x01unknown"));
    const Bytes want = session_security
                           ? ntlm2_session_response(key, server_challenge_, BytesView(a.lm_response).substr(0, 8))
                           : ntlmv1_response(key, server_challenge_);
    const bool ok = crypto::equal_secret(want, a.nt_response) && account != nullptr;
    if (!ok) return detail::credentials_rejected();
    identity_ = *user;
    return Step::done();
  }

  ServerOptions o_;
  Bytes negotiate_;
  Bytes challenge_;
  Bytes server_challenge_;
  bool finished_ = false;
  std::string identity_;
};

std::unique_ptr<ClientMechanism> make_client(const ClientOptions& o) { return std::make_unique<NtlmClient>(o); }
std::unique_ptr<ServerMechanism> make_server(const ServerOptions& o) { return std::make_unique<NtlmServer>(o); }

}  // namespace

const MechanismInfo& ntlm_mechanism() {
  static const MechanismInfo info{"NTLM", true, false, false, kCorruptions, &make_client, &make_server};
  return info;
}

}  // namespace sah::sasl
