// Differential checks against GNU gsasl 2.2 and libntlm 1.6.
//   SCRAM-SHA-1 / SCRAM-SHA-256: our client against gsasl's server, gsasl's client against ours.
//   SASLprep: ours against gsasl_saslprep (GNU libidn) on inputs our tables cover.
//   NTLM: libntlm implements NTLMv1 only (LM and NT 24-octet responses, no NTLMv2, no AV pairs),
//   so what is comparable is the layout: libntlm's AUTHENTICATE, built from our server's
//   CHALLENGE, parses with our parser to the same user and 24-octet responses, and our server
//   refuses it as NTLMv1 (NTLM-14); libntlm's NT response equals DES(NTOWFv1) computed here.
//   gsasl's NTLM client (via libntlm) is the same NTLMv1 code and is not checked again.
#include <gsasl.h>

#include "tests/sasl/gsasl_util.h"
#include <ntlm.h>

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "harness/sasl/crypto.h"
#include "harness/sasl/ntlm_messages.h"
#include "harness/sasl/registry.h"
#include "harness/sasl/saslprep.h"

namespace sah::sasl {
namespace {

constexpr const char* kUser = "tim";
constexpr const char* kPassword = "tanstaaftanstaaf";

int callback(Gsasl*, Gsasl_session* s, Gsasl_property prop) {
  if (prop == GSASL_PASSWORD) {
    const char* id = gsasl_property_fast(s, GSASL_AUTHID);
    if (id == nullptr || std::strcmp(id, kUser) != 0) return GSASL_NO_CALLBACK;
    return gsasl_property_set(s, GSASL_PASSWORD, kPassword);
  }
  return GSASL_NO_CALLBACK;
}

// The shared gsasl wrappers (tests/sasl/gsasl_util.h), under the names this file uses.
struct Context : testing::GsaslContext {
  Context() : GsaslContext(callback) {}
};
using Session = testing::GsaslSession;

int gstep(Gsasl_session* s, BytesView in, Bytes& out) { return testing::gsasl_step_bytes(s, in, out); }

::testing::AssertionResult ours_against_gsasl(const char* mech, const char* password) {
  Context g;
  Gsasl_session* raw = nullptr;
  if (gsasl_server_start(g.ctx, mech, &raw) != GSASL_OK) return ::testing::AssertionFailure() << "no gsasl server";
  Session s(raw);
  SeededRandom rnd(21);
  ClientOptions co;
  co.authcid = kUser;
  co.password = password;
  co.random = &rnd;
  auto client = find_mechanism(mech)->make_client(co);
  Bytes in = client->initial_response().value();
  Bytes out;
  for (int i = 0; i < 4; ++i) {
    const int rc = gstep(s.get(), in, out);
    if (rc == GSASL_OK) {
      const Step fin = client->step(out);
      if (fin.kind == Step::Kind::done) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << "our client refused gsasl's server-final: " << fin.reason;
    }
    if (rc != GSASL_NEEDS_MORE) return ::testing::AssertionFailure() << "gsasl server: " << gsasl_strerror_name(rc);
    const Step st = client->step(out);
    if (st.kind != Step::Kind::respond) return ::testing::AssertionFailure() << "our client: " << st.reason;
    in = st.out;
  }
  return ::testing::AssertionFailure() << "no outcome";
}

::testing::AssertionResult gsasl_against_ours(const char* mech, const char* password) {
  Context g;
  Gsasl_session* raw = nullptr;
  if (gsasl_client_start(g.ctx, mech, &raw) != GSASL_OK) return ::testing::AssertionFailure() << "no gsasl client";
  Session c(raw);
  gsasl_property_set(c.get(), GSASL_AUTHID, kUser);
  gsasl_property_set(c.get(), GSASL_PASSWORD, password);
  Account tim{kUser, kPassword, {}};
  SeededRandom rnd(22);
  ServerOptions so;
  so.lookup = [&](std::string_view u) -> const Account* { return u == kUser ? &tim : nullptr; };
  so.random = &rnd;
  auto server = find_mechanism(mech)->make_server(so);
  Bytes out;
  int rc = gstep(c.get(), "", out);
  if (rc != GSASL_NEEDS_MORE) return ::testing::AssertionFailure() << "gsasl client: " << gsasl_strerror_name(rc);
  Step st = server->start(out);
  for (int i = 0; i < 4; ++i) {
    if (st.kind == Step::Kind::fail) return ::testing::AssertionFailure() << "our server: " << st.reason;
    rc = gstep(c.get(), st.out, out);
    if (st.kind == Step::Kind::done) {
      if (rc == GSASL_OK) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << "gsasl refused our server-final: " << gsasl_strerror_name(rc);
    }
    if (rc != GSASL_NEEDS_MORE && rc != GSASL_OK) {
      return ::testing::AssertionFailure() << "gsasl client: " << gsasl_strerror_name(rc);
    }
    st = server->step(out);
    if (st.kind == Step::Kind::respond && st.out.substr(0, 2) == "e=") {
      return ::testing::AssertionFailure() << "our server: " << st.out;
    }
  }
  return ::testing::AssertionFailure() << "no outcome";
}

class ScramGsasl : public ::testing::TestWithParam<const char*> {};

TEST_P(ScramGsasl, OurClientAgainstGsaslServer) { EXPECT_TRUE(ours_against_gsasl(GetParam(), kPassword)); }
TEST_P(ScramGsasl, GsaslClientAgainstOurServer) { EXPECT_TRUE(gsasl_against_ours(GetParam(), kPassword)); }
TEST_P(ScramGsasl, WrongPasswordFailsBothWays) {
  EXPECT_FALSE(ours_against_gsasl(GetParam(), "wrong"));
  EXPECT_FALSE(gsasl_against_ours(GetParam(), "wrong"));
}

INSTANTIATE_TEST_SUITE_P(Gsasl, ScramGsasl, ::testing::Values("SCRAM-SHA-1", "SCRAM-SHA-256"),
                         [](const auto& info) { return std::string(info.param).substr(6) == "SHA-1" ? std::string("SHA1") : std::string("SHA256"); });

TEST(SaslprepGsasl, AgreesWithLibidnOnCoveredInputs) {
  const char* inputs[] = {"user", "USER", "I\xC2\xADX", "\xC2\xAA", "\xE2\x85\xA8", "a\xC2\xA0" "b", "\xEF\xAC\x81",
                          "\xEF\xBC\xA1", "\xC3\xA9t\xC3\xA9", "\xE2\x84\xAB", "\xD7\x90\xD7\x91", "x\xE2\x80\x8By",
                          "\xCE\xA9\xCF\x89", "\xD0\x96\xD0\xB6", "\xC2\xBD", "\xE2\x84\xA2", "\x07", "\xD8\xA7" "1"};
  for (const char* in : inputs) {
    char* out = nullptr;
    int prep_rc = 0;
    const int rc = gsasl_saslprep(in, GSASL_ALLOW_UNASSIGNED, &out, &prep_rc);
    auto ours = saslprep::prepare(in);
    EXPECT_EQ(rc == GSASL_OK, ours.ok()) << in;
    if (rc == GSASL_OK && ours) EXPECT_EQ(*ours, out) << in;
    gsasl_free(out);
  }
}

TEST(NtlmLibntlm, Version1ResponseFromOurChallengeParsesAndIsRefused) {
  Account tim{kUser, kPassword, {}};
  SeededRandom rnd(31);
  ServerOptions so;
  so.lookup = [&](std::string_view u) -> const Account* { return u == kUser ? &tim : nullptr; };
  so.random = &rnd;
  auto server = find_mechanism("NTLM")->make_server(so);
  tSmbNtlmAuthRequest request;
  buildSmbNtlmAuthRequest(&request, kUser, "EXAMPLE");
  const Bytes negotiate(reinterpret_cast<const char*>(&request), SmbLength(&request));
  auto parsed_neg = ntlm::parse_negotiate(negotiate);
  ASSERT_TRUE(parsed_neg) << parsed_neg.error().what;
  const Step ch = server->start(negotiate);
  ASSERT_EQ(ch.kind, Step::Kind::respond) << ch.reason;

  tSmbNtlmAuthChallenge challenge;
  std::memset(&challenge, 0, sizeof challenge);
  ASSERT_LE(ch.out.size(), sizeof challenge);
  std::memcpy(&challenge, ch.out.data(), ch.out.size());
  tSmbNtlmAuthResponse response;
  buildSmbNtlmAuthResponse_noatsplit(&challenge, &response, kUser, kPassword);
  const Bytes authenticate(reinterpret_cast<const char*>(&response), SmbLength(&response));

  auto a = ntlm::parse_authenticate(authenticate);
  ASSERT_TRUE(a) << a.error().what;
  EXPECT_EQ(ntlm::utf8_of_utf16le(a->user), kUser);
  ASSERT_EQ(a->nt_response.size(), 24u);
  EXPECT_EQ(a->lm_response.size(), 24u);
  // NTLMv1 NT response = DES(K1|K2|K3 from NTOWFv1 padded to 21 octets, ServerChallenge).
  const Bytes key = ntlm::ntowf_v1(kPassword) + Bytes(5, '\0');
  const Bytes sc = ntlm::parse_challenge(ch.out).value().server_challenge;
  const Bytes v1 = crypto::des_ecb_encrypt(key.substr(0, 7), sc) + crypto::des_ecb_encrypt(key.substr(7, 7), sc) +
                   crypto::des_ecb_encrypt(key.substr(14, 7), sc);
  EXPECT_EQ(a->nt_response, v1);
  const Step d = server->step(authenticate);
  EXPECT_EQ(d.kind, Step::Kind::fail);
  EXPECT_EQ(d.why, Why::bad_credentials) << "NTLMv1 refused (NTLM-14)";
}

}  // namespace
}  // namespace sah::sasl
