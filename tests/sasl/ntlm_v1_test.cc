// NTLMv1 behind the server's legacy switch (ServerOptions::ntlm_accept_v1, MS-NLMP §3.3.1):
// the MS-NLMP §4.2.2 (NTLMv1) and §4.2.3 (NTLMv1 with client challenge, the "NTLM2 session
// response") values and AUTHENTICATE messages byte for byte, refused by default (NTLM-14) and
// accepted with the switch; wrong password and unknown user indistinguishable; and libntlm's
// client (what gsasl uses) accepted with the switch and refused without.
#include <ntlm.h>

#include <gtest/gtest.h>

#include <cstring>

#include "tests/sasl/ntlm_vectors.h"
#include "harness/codec/base64.h"
#include "harness/sasl/ntlm_messages.h"
#include "harness/sasl/registry.h"
#include "tests/sasl/exchange_util.h"

namespace sah::sasl {
namespace {

using testing::ScriptedRandom;
using namespace ntlm;  // NOLINT(google-build-using-namespace)

using testing::hex;
using testing::unhex;
using testing::kServerChallenge;
using testing::kClientChallenge;


// MS-NLMP §4.2.2.3: AUTHENTICATE_MESSAGE, flags 0xE2808235 (no extended session security);
// LM 98def7b8…, NT 67c43011…, then the EncryptedRandomSessionKey.
const Bytes kV1Authenticate = unhex(
    "4e544c4d5353500003000000180018006c00000018001800840000000c000c00"
    "480000000800080054000000100010005c000000100010009c000000358280e2"
    "0501280a0000000f44006f006d00610069006e00550073006500720043004f00"
    "4d005000550054004500520098def7b87f88aa5dafe2df779688a172def11c7d"
    "5ccdef1367c43011f30298a2ad35ece64f16331c44bdbed927841f94518822b1"
    "b3f350c8958682ecbb3e3cb7");

// MS-NLMP §4.2.3.3: AUTHENTICATE_MESSAGE, flags 0x82088235 (extended session security): LM is
// the client challenge and 16 zero octets, NT the NTLM2 session response; no session key.
const Bytes kV1SessionAuthenticate = unhex(
    "4e544c4d5353500003000000180018006c00000018001800840000000c000c00"
    "480000000800080054000000100010005c000000000000009c00000035820882"
    "0501280a0000000f44006f006d00610069006e00550073006500720043004f00"
    "4d0050005500540045005200aaaaaaaaaaaaaaaa000000000000000000000000"
    "000000007537f803ae367128ca458204bde7caf81e97ed2683267232");

TEST(NtlmV1, MsNlmpValues) {
  const Bytes key = ntowf_v1("Password");
  EXPECT_EQ(hex(key), "a4f49c406510bdcab6824ee7c30fd852");  // §4.2.2.1.2
  // §4.2.2.2.1: NTLMv1 response = DESL(NTOWFv1, ServerChallenge).
  EXPECT_EQ(hex(ntlmv1_response(key, kServerChallenge)), "67c43011f30298a2ad35ece64f16331c44bdbed927841f94");
  EXPECT_EQ(hex(desl(key, kServerChallenge)), "67c43011f30298a2ad35ece64f16331c44bdbed927841f94");
  // §4.2.3.2.2: with extended session security.
  EXPECT_EQ(hex(ntlm2_session_response(key, kServerChallenge, kClientChallenge)),
            "7537f803ae367128ca458204bde7caf81e97ed2683267232");
}

TEST(NtlmV1, DeslRefusesWrongSizes) {
  EXPECT_TRUE(desl(Bytes(15, 'k'), kServerChallenge).empty());
  EXPECT_TRUE(desl(Bytes(16, 'k'), Bytes(7, 'c')).empty());
  EXPECT_TRUE(ntlm2_session_response(Bytes(16, 'k'), kServerChallenge, Bytes(7, 'c')).empty());
}

TEST(NtlmV1, VectorMessagesCarryWhatTheSectionsSay) {
  auto plain = parse_authenticate(kV1Authenticate);
  ASSERT_TRUE(plain) << plain.error().what;
  EXPECT_EQ(plain->flags, 0xE2808235u);
  EXPECT_EQ(hex(plain->nt_response), "67c43011f30298a2ad35ece64f16331c44bdbed927841f94");
  EXPECT_EQ(hex(plain->lm_response), "98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13");  // §4.2.2.2.2
  auto session = parse_authenticate(kV1SessionAuthenticate);
  ASSERT_TRUE(session) << session.error().what;
  EXPECT_EQ(session->flags & kExtendedSessionSecurity, kExtendedSessionSecurity);
  EXPECT_EQ(session->lm_response, kClientChallenge + Bytes(16, '\0'));
}

// A server whose CHALLENGE carries MS-NLMP §4.2.1's ServerChallenge.
struct VectorServer {
  Account user{"User", "Password", {}};
  ScriptedRandom random{kServerChallenge};
  std::unique_ptr<ServerMechanism> server;

  explicit VectorServer(bool accept_v1, std::string password = "Password") {
    user.password = std::move(password);
    ServerOptions so;
    so.lookup = [this](std::string_view u) -> const Account* { return u == user.user ? &user : nullptr; };
    so.realm = "Domain";
    so.host = "Server";
    so.ntlm_accept_v1 = accept_v1;
    so.random = &random;
    server = find_mechanism("NTLM")->make_server(so);
  }
  // NEGOTIATE then `authenticate`: the server's verdict.
  Step run(const Bytes& authenticate, std::uint32_t negotiate_flags = kUnicode | kNtlm | kRequestTarget) {
    Negotiate n;
    n.flags = negotiate_flags;
    const Step c = server->start(build_negotiate(n));
    if (c.kind != Step::Kind::respond) return c;
    return server->step(authenticate);
  }
};

// Replaces the octets of the field whose Len/BufferOffset sit at `fields` (same length).
Bytes with_field(Bytes m, std::size_t fields, BytesView value) {
  const std::uint32_t off = read32(m, fields + 4);
  m.replace(off, value.size(), value);
  return m;
}

TEST(NtlmV1, RefusedByDefault) {
  for (const Bytes* m : {&kV1Authenticate, &kV1SessionAuthenticate}) {
    VectorServer s(false);
    const Step d = s.run(*m);
    EXPECT_EQ(d.kind, Step::Kind::fail);
    EXPECT_EQ(d.why, Why::bad_credentials) << "NTLMv1 must be refused without the switch (NTLM-14)";
  }
}

TEST(NtlmV1, VectorAuthenticateAcceptedWithTheSwitch) {
  VectorServer s(true);
  const Step d = s.run(kV1Authenticate);
  EXPECT_EQ(d.kind, Step::Kind::done) << d.reason;
  EXPECT_EQ(s.server->authorized_identity(), "User");
}

TEST(NtlmV1, VectorSessionResponseAcceptedWithTheSwitch) {
  VectorServer s(true);
  const Step d = s.run(kV1SessionAuthenticate, kUnicode | kNtlm | kRequestTarget | kExtendedSessionSecurity);
  EXPECT_EQ(d.kind, Step::Kind::done) << d.reason;
  EXPECT_EQ(s.server->authorized_identity(), "User");
}

TEST(NtlmV1, TamperedResponsesAreRefusedWithTheSwitch) {
  struct Row {
    Bytes message;
    Why want;
    const char* why;
  };
  Bytes nt_flipped = kV1Authenticate;
  nt_flipped[0x84] = static_cast<char>(nt_flipped[0x84] ^ 1);
  Bytes session_nt_flipped = kV1SessionAuthenticate;
  session_nt_flipped[0x84 + 23] = static_cast<char>(session_nt_flipped[0x84 + 23] ^ 0x80);
  Bytes other_client_challenge = kV1SessionAuthenticate;
  other_client_challenge[0x6c] = '\xab';
  // The flags decide the form: the plain v1 response under the ESS flag is wrong, and so is the
  // session response without it.
  Bytes plain_claiming_ess = kV1Authenticate;
  put32(plain_claiming_ess, 60, read32(plain_claiming_ess, 60) | kExtendedSessionSecurity);
  Bytes session_without_ess = kV1SessionAuthenticate;
  put32(session_without_ess, 60, read32(session_without_ess, 60) & ~kExtendedSessionSecurity);
  Bytes other_user = with_field(kV1Authenticate, 36, utf16le("Uses"));
  Bytes ess_short_lm = kV1SessionAuthenticate;
  put16(ess_short_lm, 12, 8);  // LmChallengeResponse of 8 octets: the client challenge alone
  const std::vector<Row> rows = {
      {nt_flipped, Why::bad_credentials, "one bit of the NTLMv1 response flipped"},
      {session_nt_flipped, Why::bad_credentials, "one bit of the NTLM2 session response flipped"},
      {other_client_challenge, Why::bad_credentials, "client challenge changed after the response was made"},
      {plain_claiming_ess, Why::bad_credentials, "plain v1 response with the ESS flag"},
      {session_without_ess, Why::bad_credentials, "session response without the ESS flag"},
      {other_user, Why::bad_credentials, "unknown user 'Uses' with User's response"},
      {ess_short_lm, Why::malformed, "ESS without a 24-octet LmChallengeResponse"},
  };
  for (const Row& r : rows) {
    VectorServer s(true);
    const Step d = s.run(r.message, kUnicode | kNtlm | kRequestTarget | kExtendedSessionSecurity);
    EXPECT_EQ(d.kind, Step::Kind::fail) << r.why;
    EXPECT_EQ(d.why, r.want) << r.why << ": " << d.reason;
  }
}

TEST(NtlmV1, WrongPasswordAndUnknownUserAreIndistinguishable) {
  VectorServer wrong(true, "Password1");
  const Step a = wrong.run(kV1Authenticate);
  VectorServer unknown(true);
  const Step b = unknown.run(with_field(kV1Authenticate, 36, utf16le("Uses")));
  EXPECT_EQ(a.kind, Step::Kind::fail);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.why, b.why);
  EXPECT_EQ(a.reason, b.reason);
}

// libntlm 1.6 (gsasl's NTLM client): NTLMv1 without extended session security.
Step libntlm_against_ours(bool accept_v1, const char* password) {
  constexpr const char* kUser = "tim";
  Account tim{kUser, "tanstaaftanstaaf", {}};
  SeededRandom rnd(31);
  ServerOptions so;
  so.lookup = [&](std::string_view u) -> const Account* { return u == kUser ? &tim : nullptr; };
  so.ntlm_accept_v1 = accept_v1;
  so.random = &rnd;
  auto server = find_mechanism("NTLM")->make_server(so);
  tSmbNtlmAuthRequest request;
  buildSmbNtlmAuthRequest(&request, kUser, "EXAMPLE");
  const Step ch = server->start(Bytes(reinterpret_cast<const char*>(&request), SmbLength(&request)));
  if (ch.kind != Step::Kind::respond) return ch;
  tSmbNtlmAuthChallenge challenge;
  std::memset(&challenge, 0, sizeof challenge);
  if (ch.out.size() > sizeof challenge) return Step::fail(Why::malformed, "challenge larger than libntlm's struct");
  std::memcpy(&challenge, ch.out.data(), ch.out.size());
  tSmbNtlmAuthResponse response;
  buildSmbNtlmAuthResponse_noatsplit(&challenge, &response, kUser, password);
  const Step d = server->step(Bytes(reinterpret_cast<const char*>(&response), SmbLength(&response)));
  if (d.kind == Step::Kind::done && server->authorized_identity() != kUser) {
    return Step::fail(Why::none, "wrong identity: " + server->authorized_identity());
  }
  return d;
}

TEST(NtlmV1, LibntlmClientAcceptedOnlyWithTheSwitch) {
  const Step on = libntlm_against_ours(true, "tanstaaftanstaaf");
  EXPECT_EQ(on.kind, Step::Kind::done) << on.reason;
  const Step off = libntlm_against_ours(false, "tanstaaftanstaaf");
  EXPECT_EQ(off.kind, Step::Kind::fail);
  EXPECT_EQ(off.why, Why::bad_credentials) << "NTLM-14";
  const Step wrong = libntlm_against_ours(true, "tanstaaftanstaafx");
  EXPECT_EQ(wrong.kind, Step::Kind::fail);
  EXPECT_EQ(wrong.why, Why::bad_credentials);
}

TEST(NtlmV1, TheSwitchDoesNotChangeNtlmv2) {
  // Our own (NTLMv2) client round-trips either way, and its v1-sized corruption stays refused.
  for (bool accept_v1 : {false, true}) {
    Account tim{"tim", "tanstaaftanstaaf", {}};
    SeededRandom srv(5);
    SeededRandom cli(6);
    ServerOptions so;
    so.lookup = [&](std::string_view u) -> const Account* { return u == "tim" ? &tim : nullptr; };
    so.ntlm_accept_v1 = accept_v1;
    so.random = &srv;
    ClientOptions co;
    co.authcid = "tim";
    co.password = "tanstaaftanstaaf";
    co.random = &cli;
    const MechanismInfo& m = *find_mechanism("NTLM");
    EXPECT_EQ(testing::run_exchange(m, co, so).server.kind, Step::Kind::done) << accept_v1;
    co.corruption = "ntlmv1-response";
    const testing::Outcome bad = testing::run_exchange(m, co, so);
    EXPECT_EQ(bad.server.kind, Step::Kind::fail) << accept_v1;
    EXPECT_EQ(bad.server.why, Why::bad_credentials) << accept_v1;
  }
}

}  // namespace
}  // namespace sah::sasl
