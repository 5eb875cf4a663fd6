// NTLM: MS-NLMP §4.2.4 NTLMv2 vector byte for byte (values, the CHALLENGE from our server side,
// the AUTHENTICATE from our client side), round trips, every corruption refused for its reason,
// and malformed-message tables for the CHALLENGE and AUTHENTICATE parsers.
#include "tests/sasl/ntlm_vectors.h"
#include "harness/sasl/ntlm_messages.h"

#include <gtest/gtest.h>

#include "harness/codec/base64.h"
#include "harness/sasl/crypto.h"
#include "harness/sasl/registry.h"
#include "tests/sasl/exchange_util.h"

namespace sah::sasl {
namespace {

using testing::ScriptedRandom;
using namespace ntlm;  // NOLINT

using testing::hex;
using testing::unhex;
using testing::kServerChallenge;
using testing::kClientChallenge;


const Bytes kChallengeMessage = unhex(
    "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef"
    "00000000000000002400240044000000060070170000000f5300650072007600"
    "6500720002000c0044006f006d00610069006e0001000c005300650072007600"
    "6500720000000000");

const Bytes kAuthenticateMessage = unhex(
    "4e544c4d5353500003000000180018006c00000054005400840000000c000c00"
    "480000000800080054000000100010005c00000010001000d8000000358288e2"
    "0501280a0000000f44006f006d00610069006e00550073006500720043004f00"
    "4d005000550054004500520086c35097ac9cec102554764a57cccc19aaaaaaaa"
    "aaaaaaaa68cd0ab851e51c96aabc927bebef6a1c010100000000000000000000"
    "00000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e00"
    "01000c005300650072007600650072000000000000000000c5dad2544fc97990"
    "94ce1ce90bc9d03e");

const Bytes kTargetInfo = kChallengeMessage.substr(0x44, 36);  // TargetInfo (36 @ 0x44)

TEST(Ntlm, VectorMessagesHaveThePublishedSizes) {
  EXPECT_EQ(kChallengeMessage.size(), 104u);
  EXPECT_EQ(kAuthenticateMessage.size(), 232u);
  EXPECT_EQ(codec::base64_encode(kChallengeMessage),
            "TlRMTVNTUAACAAAADAAMADgAAAAzgoriASNFZ4mrze8AAAAAAAAAACQAJABEAAAABgBwFwAAAA9TAGUAcgB2AGUAcgACAAwARABvAG0A"
            "YQBpAG4AAQAMAFMAZQByAHYAZQByAAAAAAA=");
}

TEST(Ntlm, MsNlmpV2Values) {
  ASSERT_TRUE(crypto::md4_available());
  EXPECT_EQ(hex(ntowf_v1("Password")), "a4f49c406510bdcab6824ee7c30fd852");
  const Bytes key = ntowf_v2("Password", "User", "Domain");
  EXPECT_EQ(hex(key), "0c868a403bfd7a93a3001ef22ef02e3f");
  const Bytes temp = ntlmv2_temp(Bytes(8, '\0'), kClientChallenge, kTargetInfo);
  EXPECT_EQ(hex(temp), hex(unhex("0101000000000000 0000000000000000 aaaaaaaaaaaaaaaa 00000000 "
                                  "02000c0044006f006d00610069006e00 01000c00530065007200760065007200 "
                                  "00000000 00000000")));
  const Bytes proof = nt_proof_str(key, kServerChallenge, temp);
  EXPECT_EQ(hex(proof), "68cd0ab851e51c96aabc927bebef6a1c");
  EXPECT_EQ(hex(session_base_key(key, proof)), "8de40ccadbc14a82f15cb0ad0de95ca3");
  EXPECT_EQ(hex(lmv2_response(key, kServerChallenge, kClientChallenge)),
            "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");
  EXPECT_EQ(hex(crypto::rc4(session_base_key(key, proof), Bytes(16, '\x55'))), "c5dad2544fc9799094ce1ce90bc9d03e");
}

TEST(Ntlm, ParsesTheVectorMessages) {
  auto c = parse_challenge(kChallengeMessage);
  ASSERT_TRUE(c) << c.error().what;
  EXPECT_EQ(c->flags, 0xE28A8233u);
  EXPECT_EQ(c->server_challenge, kServerChallenge);
  EXPECT_EQ(utf8_of_utf16le(c->target_name), "Server");
  EXPECT_EQ(c->target_info, kTargetInfo);
  auto a = parse_authenticate(kAuthenticateMessage);
  ASSERT_TRUE(a) << a.error().what;
  EXPECT_EQ(a->flags, 0xE2888235u);
  EXPECT_EQ(utf8_of_utf16le(a->user), "User");
  EXPECT_EQ(utf8_of_utf16le(a->domain), "Domain");
  EXPECT_EQ(utf8_of_utf16le(a->workstation), "COMPUTER");
  EXPECT_EQ(a->nt_response.size(), 84u);  // NTProofStr ‖ temp (anomaly 5.8)
  EXPECT_EQ(hex(a->encrypted_session_key), "c5dad2544fc9799094ce1ce90bc9d03e");
}

ServerOptions vector_server(Account& acct, Random& r) {
  ServerOptions so;
  so.lookup = [&acct](std::string_view u) -> const Account* { return u == acct.user ? &acct : nullptr; };
  so.realm = "Server";
  so.host = "Server";
  so.ntlm_domain = "Domain";
  so.random = &r;
  return so;
}

TEST(Ntlm, ServerProducesTheVectorChallengeAndAcceptsTheVectorAuthenticate) {
  Account user{"User", "Password", {}};
  ScriptedRandom r(kServerChallenge);
  auto server = find_mechanism("NTLM")->make_server(vector_server(user, r));
  Negotiate n;
  n.flags = 0xE2088233;  // what makes our echo rule give the vector's 0xE28A8233
  n.version = unhex("0501280a0000000f");
  const Step c = server->start(build_negotiate(n));
  ASSERT_EQ(c.kind, Step::Kind::respond) << c.reason;
  EXPECT_EQ(hex(c.out), hex(kChallengeMessage));
  const Step d = server->step(kAuthenticateMessage);
  EXPECT_EQ(d.kind, Step::Kind::done) << d.reason;
  EXPECT_TRUE(d.out.empty());
  EXPECT_EQ(server->authorized_identity(), "User");
}

TEST(Ntlm, ClientProducesTheVectorAuthenticate) {
  ScriptedRandom r(kClientChallenge + Bytes(16, '\x55'));
  ClientOptions co;
  co.authcid = "Domain\\User";
  co.password = "Password";
  co.workstation = "COMPUTER";
  co.random = &r;
  auto client = find_mechanism("NTLM")->make_client(co);
  const auto negotiate = client->initial_response();
  ASSERT_TRUE(negotiate);
  EXPECT_EQ(message_type(*negotiate).value(), 1u);
  const Step a = client->step(kChallengeMessage);
  ASSERT_EQ(a.kind, Step::Kind::respond) << a.reason;
  EXPECT_EQ(hex(a.out), hex(kAuthenticateMessage));
}

TEST(Ntlm, SmtpNtlmNegotiateVectorParses) {
  const Bytes m = codec::base64_decode("TlRMTVNTUAABAAAAt4II4gAAAAAAAAAAAAAAAAAAAAAFAs4OAAAADw==").value();
  auto n = parse_negotiate(m);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->flags, 0xE20882B7u);
  EXPECT_EQ(hex(n->version), "0502ce0e0000000f");
}

struct Pair {
  Account user{"tim", "tanstaaftanstaaf", {}};
  SeededRandom crandom{3};
  SeededRandom srandom{4};
  ClientOptions co;
  ServerOptions so;
  Pair() {
    co.authcid = "tim";
    co.password = "tanstaaftanstaaf";
    co.random = &crandom;
    so.lookup = [this](std::string_view u) -> const Account* { return u == user.user ? &user : nullptr; };
    so.random = &srandom;
  }
};

TEST(Ntlm, RoundTripWithAndWithoutInitialResponse) {
  for (bool ir : {true, false}) {
    Pair p;
    const auto o = testing::run_exchange(*find_mechanism("NTLM"), p.co, p.so, ir);
    EXPECT_EQ(o.server.kind, Step::Kind::done) << o.server.reason;
  }
  Pair p;
  p.co.authcid = "EXAMPLE\\tim";
  EXPECT_EQ(testing::run_exchange(*find_mechanism("NTLM"), p.co, p.so).server.kind, Step::Kind::done);
}

TEST(Ntlm, EveryCorruptionIsRefusedForItsReason) {
  const MechanismInfo& m = *find_mechanism("NTLM");
  for (const CorruptionInfo& c : m.corruptions) {
    Pair p;
    p.co.corruption = std::string(c.name);
    const auto o = testing::run_exchange(m, p.co, p.so);
    const Step::Kind want = c.expected_rejection == Why::none ? Step::Kind::done : Step::Kind::fail;
    EXPECT_EQ(o.server.kind, want) << c.name << ": " << o.server.reason;
    EXPECT_EQ(o.server.why, c.expected_rejection) << c.name << ": " << o.server.reason;
  }
}

TEST(Ntlm, MaxLenIsIgnored) {
  // NTLM-07: every MaxLen 0xFFFF, then 0.
  for (std::uint16_t maxlen : {std::uint16_t{0xFFFF}, std::uint16_t{0}}) {
    Account user{"User", "Password", {}};
    ScriptedRandom r(kServerChallenge);
    auto server = find_mechanism("NTLM")->make_server(vector_server(user, r));
    ASSERT_EQ(server->start(std::nullopt).kind, Step::Kind::respond);
    Negotiate n;
    n.flags = 0xE2088233;
    ASSERT_EQ(server->step(build_negotiate(n)).kind, Step::Kind::respond);
    Bytes m = kAuthenticateMessage;
    for (std::size_t at : {12u, 20u, 28u, 36u, 44u, 52u}) put16(m, at + 2, maxlen);
    EXPECT_EQ(server->step(m).kind, Step::Kind::done) << maxlen;
  }
}

TEST(Ntlm, ReplayInANewSessionIsRefused) {
  // NTLM-13: the vector AUTHENTICATE against a server with a different challenge.
  Account user{"User", "Password", {}};
  SeededRandom r(99);
  auto server = find_mechanism("NTLM")->make_server(vector_server(user, r));
  Negotiate n;
  n.flags = 0xE2088233;
  ASSERT_EQ(server->start(build_negotiate(n)).kind, Step::Kind::respond);
  const Step d = server->step(kAuthenticateMessage);
  EXPECT_EQ(d.kind, Step::Kind::fail);
  EXPECT_EQ(d.why, Why::bad_credentials);
}

TEST(Ntlm, MicIsAddedWithATimestampAndVerified) {
  // MS-NLMP §3.1.5.1.2 / NTLM-12: a CHALLENGE with MsvAvTimestamp makes the client add a MIC.
  Pair p;
  auto server = find_mechanism("NTLM")->make_server(p.so);
  auto client = find_mechanism("NTLM")->make_client(p.co);
  const Bytes negotiate = client->initial_response().value();
  const Step ch = server->start(negotiate);
  ASSERT_EQ(ch.kind, Step::Kind::respond);
  // Our server sends no timestamp (no clock); a test CHALLENGE with one goes to the client, and
  // the MIC is checked here with the same formula the server uses.
  Challenge c = parse_challenge(ch.out).value();
  c.target_info = build_av_pairs({{kAvNbDomainName, utf16le("D")}, {kAvTimestamp, Bytes(8, '\x07')}});
  const Bytes challenge = build_challenge(c);
  const Step a = client->step(challenge);
  ASSERT_EQ(a.kind, Step::Kind::respond);
  auto parsed = parse_authenticate(a.out, true);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->mic.size(), 16u);
  EXPECT_NE(parsed->mic, Bytes(16, '\0'));
  const Bytes key_v2 = ntowf_v2("tanstaaftanstaaf", "tim", "");
  const Bytes proof = parsed->nt_response.substr(0, 16);
  const Bytes exported = crypto::rc4(session_base_key(key_v2, proof), parsed->encrypted_session_key);
  Bytes zeroed = a.out;
  zeroed.replace(kMicOffset, kMicSize, kMicSize, '\0');
  EXPECT_EQ(crypto::hmac(crypto::Digest::md5, exported, negotiate + challenge + zeroed), parsed->mic);
}

struct Row {
  std::size_t at;
  std::uint32_t value;
  bool sixteen;
  std::string_view why;
};

TEST(NtlmParsers, AuthenticateFieldMutations) {
  const Row rows[] = {
      {24, 232, false, "Nt offset = message length"},
      {24, 233, false, "Nt offset = length + 1"},
      {24, 0xFFFFFFF0u, false, "Nt offset near 2^32: offset + len wraps in 32 bits"},
      {40, 8, false, "User offset inside the fixed header"},
      {40, 63, false, "User offset just before the payload"},
      {20, 0xFFFF, true, "Nt Len larger than the octets left"},
      {36, 9, true, "User Len odd (UTF-16)"},
      {28, 0x20, true, "Domain Len running into User (overlap)"},
      {8, 2, false, "MessageType 2"},
      {0, 0x4D4C5451, false, "signature QTLM…"},
  };
  for (const Row& r : rows) {
    Bytes m = kAuthenticateMessage;
    if (r.sixteen) {
      put16(m, r.at, static_cast<std::uint16_t>(r.value));
    } else {
      put32(m, r.at, r.value);
    }
    EXPECT_FALSE(parse_authenticate(m)) << r.why;
  }
}

TEST(NtlmParsers, ChallengeFieldMutations) {
  const Row rows[] = {
      {16, 104, false, "TargetName offset = length"},
      {16, 0xFFFFFFFCu, false, "TargetName offset wraps"},
      {16, 20, false, "TargetName inside the header"},
      {12, 13, true, "TargetName Len odd"},
      {40, 0x30, true, "TargetInfo Len past the end"},
      {0x46, 0x00FF, true, "first AvLen past the end of TargetInfo"},
      {8, 3, false, "MessageType 3"},
  };
  for (const Row& r : rows) {
    Bytes m = kChallengeMessage;
    if (r.sixteen) {
      put16(m, r.at, static_cast<std::uint16_t>(r.value));
    } else {
      put32(m, r.at, r.value);
    }
    EXPECT_FALSE(parse_challenge(m)) << r.why;
  }
  Bytes no_eol = kChallengeMessage;
  no_eol.resize(no_eol.size() - 4);
  put16(no_eol, 40, 0x20);
  EXPECT_FALSE(parse_challenge(no_eol)) << "TargetInfo without MsvAvEOL";
}

TEST(NtlmParsers, EveryTruncationIsRefusedWithoutReadingPastTheEnd) {
  // Each prefix is copied into its own allocation so ASan sees any read past its end.
  for (std::size_t n = 0; n < kAuthenticateMessage.size(); ++n) {
    const std::unique_ptr<char[]> copy(new char[n + 1]);
    std::copy_n(kAuthenticateMessage.data(), n, copy.get());
    EXPECT_FALSE(parse_authenticate(BytesView(copy.get(), n))) << n;
  }
  for (std::size_t n = 0; n < kChallengeMessage.size(); ++n) {
    EXPECT_FALSE(parse_challenge(Bytes(kChallengeMessage.substr(0, n)))) << n;
  }
}

TEST(NtlmParsers, AvPairs) {
  EXPECT_TRUE(parse_av_pairs(Bytes(4, '\0')));
  EXPECT_FALSE(parse_av_pairs(Bytes())) << "empty list";
  EXPECT_FALSE(parse_av_pairs(unhex("000001000000"))) << "EOL with AvLen 1";
  EXPECT_FALSE(parse_av_pairs(unhex("01000400aabb"))) << "AvLen past the end";
  EXPECT_FALSE(parse_av_pairs(unhex("01000200aabb"))) << "no EOL";
}

TEST(NtlmText, Utf16leOfUtf8) {
  struct Row {
    std::string_view in;
    std::string_view utf16le_hex;
    const char* why;
  } rows[] = {
      {"Us", "55007300", "ASCII: one unit each"},
      {"\xc3\xa9\xe2\x82\xac", "e900ac20", "two- and three-octet characters: one unit each"},
      {"\xf0\x9f\x98\x80", "3dd800de", "a supplementary character: a surrogate pair"},
      {"a\xff", "6100fdff", "an invalid octet becomes U+FFFD"},
      {"\xe2\x82" "a", "fdfffdff6100", "each octet of a broken sequence is one U+FFFD; 'a' survives"},
      {"\xe0\x80\x80", "fdfffdfffdff", "an overlong NUL is three U+FFFD, never U+0000"},
      {"\xed\xa0\x80", "fdfffdfffdff", "an encoded surrogate is not passed on"},
      {"\xf4\x90\x80\x80", "fdfffdfffdfffdff", "past U+10FFFF"},
  };
  for (const Row& r : rows) EXPECT_EQ(hex(utf16le(r.in)), r.utf16le_hex) << r.why;
}

TEST(NtlmServer, OrderAndTypeErrors) {
  Pair p;
  auto server = find_mechanism("NTLM")->make_server(p.so);
  EXPECT_EQ(server->start(kAuthenticateMessage).why, Why::malformed) << "AUTHENTICATE first";
  auto s2 = find_mechanism("NTLM")->make_server(p.so);
  EXPECT_EQ(s2->start(Bytes("0123456789")).why, Why::malformed) << "10-octet message";
  auto s3 = find_mechanism("NTLM")->make_server(p.so);
  ASSERT_EQ(s3->start(std::nullopt).kind, Step::Kind::respond);
  EXPECT_EQ(s3->step(Bytes("NTLMSSQ\0\x01\0\0\0", 12)).why, Why::malformed) << "bad signature";
}

TEST(NtlmClient, RefusesMalformedChallenges) {
  Pair p;
  for (std::size_t n : {0u, 10u, 47u}) {
    auto client = find_mechanism("NTLM")->make_client(p.co);
    (void)client->initial_response();
    const Step s = client->step(kChallengeMessage.substr(0, n));
    EXPECT_EQ(s.kind, Step::Kind::fail) << n;
    EXPECT_EQ(s.why, Why::bad_server) << n;
  }
}

}  // namespace
}  // namespace sah::sasl
