// XOAUTH2 (requirements §4.9) and OAUTHBEARER (RFC 7628 §4, requirements §4.10; anomaly 5.6).
#include <gtest/gtest.h>

#include "harness/codec/base64.h"
#include "harness/sasl/registry.h"
#include "tests/sasl/exchange_util.h"

namespace sah::sasl {
namespace {

Bytes b64d(std::string_view s) { return codec::base64_decode(s).value(); }

TEST(Xoauth2, GoogleAndMicrosoftExamples) {
  const auto& m = *find_mechanism("XOAUTH2");
  ClientOptions g;
  g.authcid = "someuser@example.com";
  g.token = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg";
  EXPECT_EQ(codec::base64_encode(*m.make_client(g)->initial_response()),
            "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
  ClientOptions ms;
  ms.authcid = "test@contoso.onmicrosoft.com";
  ms.token = "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA";
  EXPECT_EQ(codec::base64_encode(*m.make_client(ms)->initial_response()),
            "dXNlcj10ZXN0QGNvbnRvc28ub25taWNyb3NvZnQuY29tAWF1dGg9QmVhcmVyIEV3QkFBbDNCQUFVRkZwVUFvN0ozVmUwYmpMQldaV0NjbFJDM0VvQUEBAQ==");
}

TEST(Xoauth2, ClientAnswersGoogleErrorWithEmptyLine) {
  const auto& m = *find_mechanism("XOAUTH2");
  ClientOptions g;
  g.authcid = "u";
  g.token = "t";
  auto c = m.make_client(g);
  (void)c->initial_response();
  // The Google error sample, trailing LF included (anomaly 5.13).
  Step s = c->step(b64d("eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIG1hYyIsInNjb3BlIjoiaHR0cHM6Ly9tYWlsLmdvb2dsZS5jb20vIn0K"));
  ASSERT_EQ(s.kind, Step::Kind::respond);
  EXPECT_EQ(s.out, "");
  EXPECT_EQ(c->step("x").why, Why::bad_server);
}

struct Row {
  const char* why;
  std::string msg;
  Step::Kind kind;
  Why want;
};

ServerOptions server_for(Account& a) {
  ServerOptions so;
  so.lookup = [&a](std::string_view u) -> const Account* { return u == a.user ? &a : nullptr; };
  so.host = "server.example.com";  // the host of RFC 7628 §4's examples
  return so;
}

TEST(Xoauth2, ServerTable) {
  Account u{"user@example.com", "", {"T0k"}};
  using K = Step::Kind;
  const Row rows[] = {
      {"valid (XO-01)", "user=user@example.com\x01" "auth=Bearer T0k\x01\x01", K::done, Why::none},
      {"scheme in lower case", "user=user@example.com\x01" "auth=bearer T0k\x01\x01", K::done, Why::none},
      {"unknown key ignored", "user=user@example.com\x01x=1\x01" "auth=Bearer T0k\x01\x01", K::done, Why::none},
      {"no final ^A^A (XO-04 a)", "user=user@example.com\x01" "auth=Bearer T0k", K::fail, Why::malformed},
      {"Basic (XO-04 b)", "user=user@example.com\x01" "auth=Basic T0k\x01\x01", K::fail, Why::malformed},
      {"no user (XO-04 c)", "auth=Bearer T0k\x01\x01", K::fail, Why::malformed},
      {"commas (XO-04 e)", "user=user@example.com,auth=Bearer T0k,,", K::fail, Why::malformed},
      {"empty token", "user=user@example.com\x01" "auth=Bearer \x01\x01", K::fail, Why::malformed},
      {"user twice", "user=a\x01user=user@example.com\x01" "auth=Bearer T0k\x01\x01", K::fail, Why::malformed},
      {"empty", "", K::fail, Why::malformed},
      {"bad token -> JSON 334 (XO-02)", "user=user@example.com\x01" "auth=Bearer bad\x01\x01", K::respond, Why::none},
      {"other user (XO-04 d) -> JSON 334", "user=other@example.com\x01" "auth=Bearer T0k\x01\x01", K::respond, Why::none},
  };
  for (const auto& r : rows) {
    auto s = find_mechanism("XOAUTH2")->make_server(server_for(u));
    Step st = s->start(r.msg);
    EXPECT_EQ(st.kind, r.kind) << r.why;
    EXPECT_EQ(st.why, r.want) << r.why << ": " << st.reason;
    if (st.kind == K::respond) {
      EXPECT_NE(st.out.find("\"status\":\"401\""), std::string::npos);
      Step f = s->step("");
      EXPECT_EQ(f.kind, K::fail);
      EXPECT_EQ(f.why, Why::bad_credentials);
    }
  }
  // XO-03: junk instead of the empty answer.
  auto s = find_mechanism("XOAUTH2")->make_server(server_for(u));
  (void)s->start(Bytes("user=user@example.com\x01" "auth=Bearer bad\x01\x01"));
  EXPECT_EQ(s->step("x").why, Why::malformed);
}

TEST(OauthBearer, Rfc7628SmtpExampleByteForByte) {
  ClientOptions co;
  co.authcid = "user@example.com";
  co.host = "server.example.com";
  co.port = 587;
  co.token = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";
  auto ir = find_mechanism("OAUTHBEARER")->make_client(co)->initial_response();
  ASSERT_TRUE(ir.has_value());
  EXPECT_EQ(codec::base64_encode(*ir),
            "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9NTg3AWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB");
}

TEST(OauthBearer, ErrorSequenceAnswersKvsep) {
  ClientOptions co;
  co.authcid = "u";
  co.token = "t";
  auto c = find_mechanism("OAUTHBEARER")->make_client(co);
  (void)c->initial_response();
  Step s = c->step(b64d("eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWcifQ=="));
  ASSERT_EQ(s.kind, Step::Kind::respond);
  EXPECT_EQ(codec::base64_encode(s.out), "AQ==");
}

TEST(OauthBearer, ServerTable) {
  Account u{"user@example.com", "", {"vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="}};
  using K = Step::Kind;
  const Row rows[] = {
      {"RFC 7628 §4.1 (OB-01)", b64d("bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9NTg3AWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB"), K::done, Why::none},
      {"unknown key (OB-02)", "n,a=user@example.com,\x01xyz=1\x01" "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01", K::done, Why::none},
      {"§4.3 empty auth", b64d("bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9AQE="), K::fail, Why::malformed},
      {"§4.4 `n,user=` header (anomaly 5.6)", b64d("bix1c2VyPXNvbWV1c2VyQGV4YW1wbGUuY29tLAFhdXRoPUJlYXJlciB2RjlkZnQ0cW1UYzJOdmIzUmxja0JoZEhSaGRtbHpkR0V1WTI5dENnPT0BAQ=="), K::fail, Why::malformed},
      {"lone kvsep (OB-05)", "\x01", K::fail, Why::malformed},
      {"p= flag", "p=tls-unique,a=user@example.com,\x01" "auth=Bearer x\x01\x01", K::fail, Why::malformed},
      {"bad saslname escape", "n,a=us=41er,\x01" "auth=Bearer x\x01\x01", K::fail, Why::malformed},
      {"auth twice", "n,a=user@example.com,\x01" "auth=Bearer a\x01" "auth=Bearer b\x01\x01", K::fail, Why::malformed},
      {"no closing kvsep", "n,a=user@example.com,\x01" "auth=Bearer a\x01", K::fail, Why::malformed},
      {"bad token (OB-03) -> JSON", "n,a=user@example.com,\x01" "auth=Bearer nope\x01\x01", K::respond, Why::none},
      {"other authzid (OB-06) -> JSON", "n,a=other@example.com,\x01" "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01", K::respond, Why::none},
  };
  for (const auto& r : rows) {
    auto s = find_mechanism("OAUTHBEARER")->make_server(server_for(u));
    Step st = s->start(r.msg);
    EXPECT_EQ(st.kind, r.kind) << r.why;
    EXPECT_EQ(st.why, r.want) << r.why << ": " << st.reason;
    if (st.kind == K::respond) {
      EXPECT_NE(st.out.find("\"status\""), std::string::npos);
      Step f = s->step("\x01");
      EXPECT_EQ(f.kind, K::fail);
      EXPECT_EQ(f.why, Why::bad_credentials);
    }
    if (st.kind == K::done) EXPECT_EQ(s->authorized_identity(), "user@example.com");
  }
  auto s = find_mechanism("OAUTHBEARER")->make_server(server_for(u));
  (void)s->start(Bytes("n,a=user@example.com,\x01" "auth=Bearer nope\x01\x01"));
  EXPECT_EQ(s->step("").why, Why::malformed);  // the answer must be ^A (RFC 7628 §3.2.3)
}

// OB-07 (RFC 7628 §3.2): host= and port= must name the server when it knows them; a
// mismatch is refused like a bad token (the JSON error, then failure), case aside for names.
TEST(OauthBearer, HostAndPortMustNameThisServer) {
  Account u{"user@example.com", "", {"T0k"}};
  using K = Step::Kind;
  struct HostRow {
    const char* why;
    std::string pairs;  // between the gs2 header's kvsep and auth=
    unsigned known_port;
    bool unchecked;     // the fault switch oauthbearer-ignores-host-port
    K want;
  };
  const HostRow rows[] = {
      {"host and port match", "host=server.example.com\x01port=587\x01", 587, false, K::done},
      {"host in other case (RFC 4343 §2)", "host=SERVER.Example.COM\x01", 587, false, K::done},
      {"no host, no port (both optional)", "", 587, false, K::done},
      {"other host", "host=evil.example\x01", 587, false, K::respond},
      {"host with a suffix", "host=server.example.com.evil\x01", 587, false, K::respond},
      {"empty host", "host=\x01", 587, false, K::respond},
      {"other port", "host=server.example.com\x01port=9\x01", 587, false, K::respond},
      {"port with a leading zero", "port=0587\x01", 587, false, K::respond},
      {"port unknown to the server: not compared", "port=9\x01", 0, false, K::done},
      {"fault: other host accepted", "host=evil.example\x01", 587, true, K::done},
      {"fault: other port accepted", "port=9\x01", 587, true, K::done},
  };
  for (const auto& r : rows) {
    ServerOptions so = server_for(u);
    so.port = r.known_port;
    so.oauth_host_port_unchecked = r.unchecked;
    auto s = find_mechanism("OAUTHBEARER")->make_server(so);
    Step st = s->start(Bytes("n,a=user@example.com,\x01") + r.pairs + "auth=Bearer T0k\x01\x01");
    EXPECT_EQ(st.kind, r.want) << r.why << ": " << st.reason;
    if (st.kind == K::respond) EXPECT_EQ(s->step("\x01").why, Why::bad_credentials) << r.why;
  }
}

TEST(OauthBearer, WrongHostAndPortCorruptionsByteForByte) {
  ClientOptions co;
  co.authcid = "user@example.com";
  co.host = "server.example.com";
  co.port = 587;
  co.token = "T0k";
  co.corruption = "wrong-host";
  EXPECT_EQ(*find_mechanism("OAUTHBEARER")->make_client(co)->initial_response(),
            "n,a=user@example.com,\x01host=evil.example\x01port=587\x01" "auth=Bearer T0k\x01\x01");
  co.corruption = "wrong-port";
  EXPECT_EQ(*find_mechanism("OAUTHBEARER")->make_client(co)->initial_response(),
            "n,a=user@example.com,\x01host=server.example.com\x01port=9\x01" "auth=Bearer T0k\x01\x01");
  co.port = 0;  // port= is sent for the corruption even when the client would send none
  EXPECT_EQ(*find_mechanism("OAUTHBEARER")->make_client(co)->initial_response(),
            "n,a=user@example.com,\x01host=server.example.com\x01port=9\x01" "auth=Bearer T0k\x01\x01");
}

}  // namespace
}  // namespace sah::sasl
