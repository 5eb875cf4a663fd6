// Differential test against GNU gsasl 2.2: our client against gsasl's server side, and gsasl's
// client against our server side, for every mechanism both implement.
//
// Not implemented by gsasl 2.2 (so not cross-checked here): XOAUTH2, OAUTHBEARER.
// gsasl's NTLM is client-only; SCRAM and NTLM cross-checks belong with those mechanisms.
#include <gsasl.h>

#include "tests/sasl/gsasl_util.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "harness/sasl/registry.h"

namespace sah::sasl {
namespace {

constexpr const char* kUser = "tim";
constexpr const char* kPassword = "tanstaaftanstaaf";
constexpr const char* kHost = "mail.example.net";
constexpr const char* kRealm = "mail.example.net";

// gsasl asks for properties through one callback; the server part knows one account.
int callback(Gsasl*, Gsasl_session* s, Gsasl_property prop) {
  switch (prop) {
    case GSASL_PASSWORD: {
      const char* id = gsasl_property_fast(s, GSASL_AUTHID);
      if (id == nullptr || std::strcmp(id, kUser) != 0) return GSASL_NO_CALLBACK;
      return gsasl_property_set(s, GSASL_PASSWORD, kPassword);
    }
    case GSASL_VALIDATE_ANONYMOUS:
    case GSASL_VALIDATE_EXTERNAL:
      return GSASL_OK;
    case GSASL_REALM:
      return gsasl_property_set(s, GSASL_REALM, kRealm);
    default:
      return GSASL_NO_CALLBACK;
  }
}

// The shared gsasl wrappers (tests/sasl/gsasl_util.h), under the names this file uses.
struct Context : testing::GsaslContext {
  Context() : GsaslContext(callback) {}
};
using Session = testing::GsaslSession;

int gstep(Gsasl_session* s, BytesView in, Bytes& out) { return testing::gsasl_step_bytes(s, in, out); }

void set_common(Gsasl_session* s) {
  gsasl_property_set(s, GSASL_SERVICE, "smtp");
  gsasl_property_set(s, GSASL_HOSTNAME, kHost);
}

ClientOptions our_client(std::string_view mech) {
  ClientOptions co;
  co.authcid = mech == "ANONYMOUS" ? "trace@example.net" : kUser;
  co.password = kPassword;
  co.host = kHost;
  return co;
}

// Our client, gsasl's server. True when both agree the exchange succeeded.
::testing::AssertionResult ours_against_gsasl(std::string_view mech, ClientOptions co) {
  Context g;
  Gsasl_session* raw = nullptr;
  if (gsasl_server_start(g.ctx, std::string(mech).c_str(), &raw) != GSASL_OK) {
    return ::testing::AssertionFailure() << "gsasl server cannot start " << mech;
  }
  Session s(raw);
  set_common(s.get());
  gsasl_property_set(s.get(), GSASL_REALM, kRealm);
  SeededRandom rnd(11);
  co.random = &rnd;
  auto client = find_mechanism(mech)->make_client(co);
  Bytes in = client->initial_response().value_or(Bytes());
  Bytes out;
  for (int i = 0; i < 8; ++i) {
    const int rc = gstep(s.get(), in, out);
    if (rc == GSASL_OK) {
      if (out.empty()) return ::testing::AssertionSuccess();
      Step fin = client->step(out);  // success data (DIGEST-MD5 rspauth)
      if (fin.kind == Step::Kind::done) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << "our client rejected success data: " << fin.reason;
    }
    if (rc != GSASL_NEEDS_MORE) {
      return ::testing::AssertionFailure() << "gsasl server: " << gsasl_strerror_name(rc);
    }
    Step st = client->step(out);
    if (st.kind == Step::Kind::done) {
      in.clear();  // the empty answer to success data carried in a challenge
      continue;
    }
    if (st.kind != Step::Kind::respond) return ::testing::AssertionFailure() << "our client: " << st.reason;
    in = st.out;
  }
  return ::testing::AssertionFailure() << "no outcome after 8 steps";
}

// gsasl's client, our server.
::testing::AssertionResult gsasl_against_ours(std::string_view mech, const char* password) {
  Context g;
  Gsasl_session* raw = nullptr;
  if (gsasl_client_start(g.ctx, std::string(mech).c_str(), &raw) != GSASL_OK) {
    return ::testing::AssertionFailure() << "gsasl client cannot start " << mech;
  }
  Session c(raw);
  set_common(c.get());
  gsasl_property_set(c.get(), GSASL_AUTHID, kUser);
  gsasl_property_set(c.get(), GSASL_PASSWORD, password);
  gsasl_property_set(c.get(), GSASL_ANONYMOUS_TOKEN, "trace@example.net");
  gsasl_property_set(c.get(), GSASL_AUTHZID, "");
  gsasl_property_set(c.get(), GSASL_QOP, "qop-auth");

  Account tim{kUser, kPassword, {}};
  SeededRandom rnd(12);
  ServerOptions so;
  so.lookup = [&](std::string_view u) -> const Account* { return u == kUser ? &tim : nullptr; };
  so.realm = kRealm;
  so.host = kHost;
  so.external_identity_present = true;
  so.external_identity = kUser;
  so.random = &rnd;
  const MechanismInfo& m = *find_mechanism(mech);
  auto server = m.make_server(so);

  Bytes out;
  Step st;
  if (m.client_first) {
    const int rc = gstep(c.get(), "", out);
    if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE) {
      return ::testing::AssertionFailure() << "gsasl client: " << gsasl_strerror_name(rc);
    }
    st = server->start(out);
  } else {
    st = server->start(std::nullopt);
  }
  for (int i = 0; i < 8; ++i) {
    if (st.kind == Step::Kind::fail) {
      return ::testing::AssertionFailure() << "our server: " << to_string(st.why) << ": " << st.reason;
    }
    // Done without success data: SMTP's 235 ends it, there is nothing for the client to read.
    if (st.kind == Step::Kind::done && st.out.empty()) return ::testing::AssertionSuccess();
    const int rc = gstep(c.get(), st.out, out);
    if (st.kind == Step::Kind::done) {
      if (rc == GSASL_OK) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << "gsasl client rejected our success: " << gsasl_strerror_name(rc);
    }
    if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE) {
      return ::testing::AssertionFailure() << "gsasl client: " << gsasl_strerror_name(rc);
    }
    st = server->step(out);
  }
  return ::testing::AssertionFailure() << "no outcome after 8 steps";
}

class Crosscheck : public ::testing::TestWithParam<std::string_view> {};

TEST_P(Crosscheck, OurClientAgainstGsaslServer) {
  EXPECT_TRUE(ours_against_gsasl(GetParam(), our_client(GetParam())));
}

TEST_P(Crosscheck, GsaslClientAgainstOurServer) { EXPECT_TRUE(gsasl_against_ours(GetParam(), kPassword)); }

TEST_P(Crosscheck, WrongPasswordFailsBothWays) {
  const std::string_view mech = GetParam();
  if (mech == "ANONYMOUS" || mech == "EXTERNAL") GTEST_SKIP() << "no password";
  ClientOptions co = our_client(mech);
  co.password += "x";
  EXPECT_FALSE(ours_against_gsasl(mech, co));
  EXPECT_FALSE(gsasl_against_ours(mech, "wrong-password"));
}

std::string param_name(const ::testing::TestParamInfo<std::string_view>& info) {
  std::string s;
  for (char c : info.param) s += (c == '-') ? '_' : c;
  return s;
}

INSTANTIATE_TEST_SUITE_P(Gsasl, Crosscheck,
                         ::testing::Values("PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "ANONYMOUS", "EXTERNAL"),
                         param_name);

}  // namespace
}  // namespace sah::sasl
