// The registry, and properties every mechanism must have, checked through the registry so a
// new mechanism is covered the moment it is listed: honest round trips (with and without an
// initial response), every named corruption rejected for its declared reason, unknown user
// and wrong password indistinguishable, and junk never crashing either side.
#include "harness/sasl/registry.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/sasl/exchange_util.h"

namespace sah::sasl {
namespace {

using testing::Outcome;
using testing::run_exchange;

// Both sides as under TLS with a -PLUS mechanism advertised (as tests/sasl/scram_test.cc binds
// them): the SCRAM-*-PLUS forms need channel binding data to run at all, and SCRAM's
// downgrade-y-flag corruption is only a failure when the server advertises -PLUS (RFC 5802 §6).
// Mechanisms without channel binding ignore these fields.
struct World {
  Account tim{"tim", "tanstaaftanstaaf", {"tok-1234567890"}};
  ChannelBinding binding{"tls-exporter", Bytes(32, '\x5a')};
  SeededRandom server_random{1};
  SeededRandom client_random{2};

  ServerOptions server() {
    ServerOptions so;
    so.lookup = [this](std::string_view u) -> const Account* { return u == tim.user ? &tim : nullptr; };
    so.realm = "mail.example.net";
    so.host = "mail.example.net";
    so.port = 587;  // known, so that OAUTHBEARER's wrong-port corruption is refused (OB-07)
    so.external_identity_present = true;
    so.external_identity = "tim";
    so.channel_binding = binding;
    so.advertised_plus = true;
    so.random = &server_random;
    return so;
  }
  ClientOptions client() {
    ClientOptions co;
    co.authcid = "tim";
    co.password = "tanstaaftanstaaf";
    co.token = "tok-1234567890";
    co.host = "mail.example.net";
    co.port = 587;
    co.channel_binding = binding;
    co.server_supports_plus = true;
    co.random = &client_random;
    return co;
  }
};

TEST(Registry, ListsPartAMechanismsInCatalogueOrder) {
  std::vector<std::string_view> names;
  for (const auto& m : mechanisms()) names.push_back(m.name);
  const std::vector<std::string_view> want = {"PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5",
                                              "XOAUTH2", "OAUTHBEARER", "ANONYMOUS", "EXTERNAL"};
  // Other mechanisms may sit between them; the relative order of these is fixed.
  std::size_t at = 0;
  for (auto n : names) {
    if (at < want.size() && n == want[at]) ++at;
  }
  EXPECT_EQ(at, want.size());
  std::set<std::string_view> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size()) << "a mechanism is listed twice";
}

TEST(Registry, FindIsCaseInsensitive) {
  ASSERT_NE(find_mechanism("cram-md5"), nullptr);
  EXPECT_EQ(find_mechanism("cram-md5")->name, "CRAM-MD5");
  EXPECT_EQ(find_mechanism("Plain"), find_mechanism("PLAIN"));
  EXPECT_EQ(find_mechanism("PLAIN "), nullptr);
  EXPECT_EQ(find_mechanism(""), nullptr);
  EXPECT_EQ(find_mechanism("GSSAPI"), nullptr);
}

TEST(Registry, FindCorruption) {
  const MechanismInfo* m = find_mechanism("CRAM-MD5");
  ASSERT_NE(m, nullptr);
  const CorruptionInfo* c = find_corruption(*m, "digest-flip-bit");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->expected_rejection, Why::bad_credentials);
  EXPECT_EQ(find_corruption(*m, "no-such-corruption"), nullptr);
}

TEST(Registry, WhyNames) {
  EXPECT_EQ(to_string(Why::none), "none");
  EXPECT_EQ(to_string(Why::malformed), "malformed");
  EXPECT_EQ(to_string(Why::bad_credentials), "bad-credentials");
  EXPECT_EQ(to_string(Why::bad_server), "bad-server");
  EXPECT_EQ(to_string(Why::unsupported), "unsupported");
  EXPECT_EQ(to_string(Why::not_authorized), "not-authorized");
}

TEST(Registry, EveryMechanismIsComplete) {
  for (const auto& m : mechanisms()) {
    EXPECT_NE(m.make_client, nullptr) << m.name;
    EXPECT_NE(m.make_server, nullptr) << m.name;
    std::set<std::string_view> seen;
    for (const auto& c : m.corruptions) {
      EXPECT_TRUE(seen.insert(c.name).second) << m.name << ": corruption listed twice: " << c.name;
      EXPECT_FALSE(c.description.empty()) << m.name << " " << c.name;
      // `none` marks a tolerated variation (accepted); a server never answers bad_server.
      EXPECT_NE(c.expected_rejection, Why::bad_server) << m.name << " " << c.name;
    }
  }
}

class EveryMechanism : public ::testing::TestWithParam<std::string_view> {};

TEST_P(EveryMechanism, HonestRoundTripSucceeds) {
  const MechanismInfo* m = find_mechanism(GetParam());
  ASSERT_NE(m, nullptr);
  for (bool ir : {true, false}) {
    World w;
    Outcome o = run_exchange(*m, w.client(), w.server(), ir);
    EXPECT_EQ(o.server.kind, Step::Kind::done)
        << m->name << (ir ? " with" : " without") << " initial response: " << o.server.reason
        << " / client: " << o.client.reason;
    if (!o.server.out.empty()) {
      // Success data: the client must have verified it (DIG-03, SCR-03).
      EXPECT_EQ(o.client.kind, Step::Kind::done) << m->name << ": " << o.client.reason;
    }
  }
}

TEST_P(EveryMechanism, EveryCorruptionIsRejectedForItsDeclaredReason) {
  const MechanismInfo* m = find_mechanism(GetParam());
  ASSERT_NE(m, nullptr);
  for (const auto& c : m->corruptions) {
    World w;
    ClientOptions co = w.client();
    co.corruption = std::string(c.name);
    Outcome o = run_exchange(*m, co, w.server());
    // A tolerated variation (Why::none) must succeed, everything else fail for its reason.
    const Step::Kind want = c.expected_rejection == Why::none ? Step::Kind::done : Step::Kind::fail;
    EXPECT_EQ(o.server.kind, want) << m->name << " / " << c.name << ": " << o.server.reason;
    EXPECT_EQ(o.server.why, c.expected_rejection)
        << m->name << " / " << c.name << ": " << o.server.reason;
  }
}

TEST_P(EveryMechanism, UnknownUserLooksLikeWrongPassword) {
  const MechanismInfo* m = find_mechanism(GetParam());
  ASSERT_NE(m, nullptr);
  if (m->name == "ANONYMOUS" || m->name == "EXTERNAL") GTEST_SKIP() << "no credentials to get wrong";
  World w1;
  ClientOptions unknown = w1.client();
  unknown.authcid = "nosuchuser";
  Outcome a = run_exchange(*m, unknown, w1.server());
  World w2;
  ClientOptions wrong = w2.client();
  wrong.password += "x";
  wrong.token += "x";
  Outcome b = run_exchange(*m, wrong, w2.server());
  EXPECT_EQ(a.server.kind, Step::Kind::fail) << m->name;
  EXPECT_EQ(a.server.kind, b.server.kind) << m->name;
  EXPECT_EQ(a.server.why, b.server.why) << m->name;
  EXPECT_EQ(a.server.reason, b.server.reason) << m->name;
  EXPECT_EQ(a.round_trips, b.round_trips) << m->name;
}

TEST_P(EveryMechanism, JunkNeverCrashesEitherSide) {
  const MechanismInfo* m = find_mechanism(GetParam());
  ASSERT_NE(m, nullptr);
  SeededRandom junk_source(99);
  std::vector<Bytes> junk = {"",           std::string(1, '\0'), std::string(3, '\0'), "\x01",
                             "\x01\x01",   "=",                  ",",                  "\"",
                             "a=\"",       "a=\"\\",             " ",                  "\xFF\xFE",
                             "n,,",        "n,a=,\x01\x01",      "user=\x01\x01",      "rspauth=",
                             std::string(70000, 'A')};
  for (int i = 0; i < 50; ++i) {
    Bytes r;
    junk_source.fill(r, static_cast<std::size_t>(i) * 7 % 300);
    junk.push_back(r);
  }
  for (const Bytes& j : junk) {
    World w;
    // Server: as initial response, and as every later response.
    // ANONYMOUS accepts any short UTF-8 trace and EXTERNAL an empty authzid: junk may be valid.
    const bool may_accept = m->name == "ANONYMOUS" || m->name == "EXTERNAL";
    auto s1 = m->make_server(w.server());
    Step st = s1->start(j);
    if (!may_accept) EXPECT_NE(st.kind, Step::Kind::done) << m->name << ": junk accepted as initial response";
    for (int k = 0; k < 4; ++k) {
      st = s1->step(j);
      if (!may_accept) EXPECT_NE(st.kind, Step::Kind::done) << m->name << ": junk accepted";
    }
    auto s2 = m->make_server(w.server());
    (void)s2->start(std::nullopt);
    st = s2->step(j);
    if (!may_accept) EXPECT_NE(st.kind, Step::Kind::done) << m->name << ": junk accepted as first response";
    // Client: junk as every challenge.
    auto c = m->make_client(w.client());
    (void)c->initial_response();
    for (int k = 0; k < 4; ++k) (void)c->step(j);
  }
}

std::vector<std::string_view> all_names() {
  std::vector<std::string_view> v;
  for (const auto& m : mechanisms()) v.push_back(m.name);
  return v;
}

std::string param_name(const ::testing::TestParamInfo<std::string_view>& info) {
  std::string s;
  for (char c : info.param) s += (c == '-') ? '_' : c;
  return s;
}

INSTANTIATE_TEST_SUITE_P(Sasl, EveryMechanism, ::testing::ValuesIn(all_names()), param_name);

}  // namespace
}  // namespace sah::sasl
