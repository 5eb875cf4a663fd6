// The client corruptions that are tolerated variations (CorruptionInfo::expected_rejection
// == Why::none): each changes the wire form in exactly the way its requirement describes, and
// a correct server side accepts it (SCR-11, NTLM-07, DIG-10); plus NTLM-12's damaged MIC, which
// the client adds even when the server sends no timestamp, and which is refused.
#include <gtest/gtest.h>

#include "harness/base/random.h"
#include "harness/sasl/crypto.h"
#include "harness/sasl/ntlm_messages.h"
#include "harness/sasl/registry.h"
#include "exchange_util.h"

namespace sah::sasl {
namespace {

struct Parties {
  Account tim{"tim", "tanstaaftanstaaf", {}};
  SeededRandom server_random{5};
  SeededRandom client_random{6};

  ServerOptions server() {
    ServerOptions so;
    so.lookup = [this](std::string_view u) -> const Account* { return u == tim.user ? &tim : nullptr; };
    so.realm = "mail.example.net";
    so.host = "mail.example.net";
    so.random = &server_random;
    return so;
  }
  ClientOptions client(std::string corruption) {
    ClientOptions co;
    co.authcid = "tim";
    co.password = "tanstaaftanstaaf";
    co.host = "mail.example.net";
    co.corruption = std::move(corruption);
    co.random = &client_random;
    return co;
  }
};

const MechanismInfo& mech(std::string_view name) {
  const MechanismInfo* m = find_mechanism(name);
  EXPECT_NE(m, nullptr) << name;
  return *m;
}

TEST(ToleratedVariations, AreDeclaredAsAccepted) {
  for (const auto& [m, c] : {std::pair{"SCRAM-SHA-1", "unknown-attribute"}, std::pair{"SCRAM-SHA-256-PLUS", "unknown-attribute"},
                             std::pair{"NTLM", "maxlen-ffff"}, std::pair{"NTLM", "maxlen-zero"},
                             std::pair{"DIGEST-MD5", "list-blanks"}}) {
    const CorruptionInfo* info = find_corruption(mech(m), c);
    ASSERT_NE(info, nullptr) << m << " " << c;
    EXPECT_EQ(info->expected_rejection, Why::none) << m << " " << c;
  }
  const CorruptionInfo* mic = find_corruption(mech("NTLM"), "mic-flip-bit");
  ASSERT_NE(mic, nullptr);
  EXPECT_EQ(mic->expected_rejection, Why::bad_credentials);
}

TEST(ToleratedVariations, ScramUnknownAttributeFollowsTheNonceAndSucceeds) {
  // SCR-11: `n,,n=tim,r=<nonce>,x=foo`; the AuthMessage includes it, so the proof only verifies
  // when the server uses the bare message as received.
  for (std::string_view name : {"SCRAM-SHA-1", "SCRAM-SHA-256"}) {
    Parties s;
    auto client = mech(name).make_client(s.client("unknown-attribute"));
    const Bytes first = client->initial_response().value();
    EXPECT_EQ(first.rfind("n,,n=tim,r=", 0), 0u) << first;
    EXPECT_TRUE(first.ends_with(",x=foo")) << first;
    Parties t;
    const auto o = testing::run_exchange(mech(name), t.client("unknown-attribute"), t.server());
    EXPECT_EQ(o.server.kind, Step::Kind::done) << name << ": " << o.server.reason;
    EXPECT_EQ(o.client.kind, Step::Kind::done) << name << ": the server signature covers x=foo too";
  }
}

// The NTLM client's AUTHENTICATE for a corruption, against the real server's CHALLENGE.
Bytes ntlm_authenticate(Parties& s, std::unique_ptr<ServerMechanism>& server, const std::string& corruption) {
  auto client = mech("NTLM").make_client(s.client(corruption));
  server = mech("NTLM").make_server(s.server());
  const Step challenge = server->start(client->initial_response());
  EXPECT_EQ(challenge.kind, Step::Kind::respond);
  const Step a = client->step(challenge.out);
  EXPECT_EQ(a.kind, Step::Kind::respond) << a.reason;
  return a.out;
}

TEST(ToleratedVariations, NtlmMaxLenValuesAreSetAndIgnored) {
  // NTLM-07: every MaxLen (two octets after each Len) is 0xFFFF or 0; Len stays right.
  for (const auto& [corruption, want] : {std::pair{"maxlen-ffff", 0xFFFF}, std::pair{"maxlen-zero", 0}}) {
    if (!crypto::md4_available()) GTEST_SKIP() << "MD4 unavailable";
    Parties s;
    std::unique_ptr<ServerMechanism> server;
    const Bytes m = ntlm_authenticate(s, server, corruption);
    ASSERT_GE(m.size(), ntlm::kAuthenticateFixed);
    for (std::size_t at : {12u, 20u, 28u, 36u, 44u, 52u}) EXPECT_EQ(ntlm::read16(m, at + 2), want) << corruption << " @" << at;
    EXPECT_GT(ntlm::read16(m, 20), 0) << "NtChallengeResponse Len is untouched";
    const Step done = server->step(m);
    EXPECT_EQ(done.kind, Step::Kind::done) << corruption << ": " << done.reason;
  }
}

TEST(ToleratedVariations, NtlmFlippedMicIsRefusedAndAnIntactOneAccepted) {
  // NTLM-12: the server sends no timestamp, yet mic-flip-bit claims a MIC (MsvAvFlags 0x2) and
  // sends it damaged. The same message with the bit flipped back verifies, so it is the MIC
  // check that refuses it.
  if (!crypto::md4_available()) GTEST_SKIP() << "MD4 unavailable";
  Parties s;
  std::unique_ptr<ServerMechanism> server;
  Bytes m = ntlm_authenticate(s, server, "mic-flip-bit");
  auto parsed = ntlm::parse_authenticate(m, true);
  ASSERT_TRUE(parsed);
  EXPECT_NE(parsed->mic, Bytes(ntlm::kMicSize, '\0'));
  const Step refused = server->step(m);
  EXPECT_EQ(refused.kind, Step::Kind::fail);
  EXPECT_EQ(refused.why, Why::bad_credentials);

  Parties again;
  std::unique_ptr<ServerMechanism> fresh;
  Bytes intact = ntlm_authenticate(again, fresh, "mic-flip-bit");
  intact[ntlm::kMicOffset] = static_cast<char>(intact[ntlm::kMicOffset] ^ 0x01);  // flip_bit(…, 0) undone
  const Step accepted = fresh->step(intact);
  EXPECT_EQ(accepted.kind, Step::Kind::done) << accepted.reason;
}

TEST(ToleratedVariations, DigestListBlanksHasSpacesAndAnEmptyElementAndSucceeds) {
  // DIG-10: `charset=utf-8, , username="tim", realm=…`: a space after every comma outside
  // quotes and one empty element.
  Parties s;
  auto client = mech("DIGEST-MD5").make_client(s.client("list-blanks"));
  auto server = mech("DIGEST-MD5").make_server(s.server());
  const Step challenge = server->start(std::nullopt);
  ASSERT_EQ(challenge.kind, Step::Kind::respond);
  const Step response = client->step(challenge.out);
  ASSERT_EQ(response.kind, Step::Kind::respond) << response.reason;
  EXPECT_EQ(response.out.rfind("charset=utf-8, , username=\"tim\", realm=", 0), 0u) << response.out;
  EXPECT_EQ(response.out.find(",u"), Bytes::npos) << "every comma is followed by a space";
  Parties t;
  const auto o = testing::run_exchange(mech("DIGEST-MD5"), t.client("list-blanks"), t.server());
  EXPECT_EQ(o.server.kind, Step::Kind::done) << o.server.reason;
}

}  // namespace
}  // namespace sah::sasl
