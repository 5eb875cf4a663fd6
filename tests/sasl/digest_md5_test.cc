// DIGEST-MD5: RFC 2831 §4 byte for byte (requirements §4.5), the directive parser, and the
// server's and client's answers to malformed messages.
#include "harness/sasl/digest_md5.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/codec/base64.h"
#include "harness/sasl/registry.h"
#include "tests/sasl/exchange_util.h"

namespace sah::sasl {
namespace {

using testing::ScriptedRandom;
using testing::token_script;

constexpr std::string_view kChallenge =
    R"(realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8)";
constexpr std::string_view kChallengeB64 =
    "cmVhbG09ImVsd29vZC5pbm5vc29mdC5jb20iLG5vbmNlPSJPQTZNRzl0RVFHbTJoaCIscW9wPSJhdXRoIixhbGdvcml0aG09bWQ1LXNlc3MsY2hhcnNldD11dGYtOA==";
constexpr std::string_view kResponse =
    R"(charset=utf-8,username="chris",realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",nc=00000001,cnonce="OA6MHXh6VqTrRk",digest-uri="imap/elwood.innosoft.com",response=d388dad90d4bbd760a152321f2143af7,qop=auth)";
constexpr std::string_view kResponseB64 =
    "Y2hhcnNldD11dGYtOCx1c2VybmFtZT0iY2hyaXMiLHJlYWxtPSJlbHdvb2QuaW5ub3NvZnQuY29tIixub25jZT0iT0E2TUc5dEVRR20yaGgiLG5jPTAwMDAwMDAxLGNub25jZT0iT0E2TUhYaDZWcVRyUmsiLGRpZ2VzdC11cmk9ImltYXAvZWx3b29kLmlubm9zb2Z0LmNvbSIscmVzcG9uc2U9ZDM4OGRhZDkwZDRiYmQ3NjBhMTUyMzIxZjIxNDNhZjcscW9wPWF1dGg=";
constexpr std::string_view kRspauth = "rspauth=ea40f60335c427b5527b84dbabcdfffd";
constexpr std::string_view kRspauthB64 = "cnNwYXV0aD1lYTQwZjYwMzM1YzQyN2I1NTI3Yjg0ZGJhYmNkZmZmZA==";

TEST(DigestMd5, Rfc2831VectorEncodings) {
  EXPECT_EQ(codec::base64_encode(kChallenge), kChallengeB64);
  EXPECT_EQ(codec::base64_encode(kResponse), kResponseB64);
  EXPECT_EQ(codec::base64_encode(kRspauth), kRspauthB64);
}

TEST(DigestMd5, Rfc2831ResponseValueAndIntermediates) {
  digest_md5::DigestInputs in;
  in.username = "chris";
  in.realm = "elwood.innosoft.com";
  in.password = "secret";
  in.nonce = "OA6MG9tEQGm2hh";
  in.cnonce = "OA6MHXh6VqTrRk";
  in.digest_uri = "imap/elwood.innosoft.com";
  EXPECT_EQ(digest_md5::response_value(in, false), "d388dad90d4bbd760a152321f2143af7");
  EXPECT_EQ(digest_md5::response_value(in, true), "ea40f60335c427b5527b84dbabcdfffd");
  // The second example of §4 (ACAP).
  in.nonce = "OA9BSXrbuRhWay";
  in.cnonce = "OA9BSuZWMSpW8m";
  in.digest_uri = "acap/elwood.innosoft.com";
  EXPECT_EQ(digest_md5::response_value(in, false), "6084c6db3fede7352c551284490fd0fc");
  EXPECT_EQ(digest_md5::response_value(in, true), "2f0b3d7c3c2e486600ef710726aa2eae");
}

TEST(DigestMd5, ServerAndClientReproduceTheRfcExchangeByteForByte) {
  const MechanismInfo* m = find_mechanism("DIGEST-MD5");
  ASSERT_NE(m, nullptr);
  Account chris{"chris", "secret", {}};
  ScriptedRandom server_random(token_script("OA6MG9tEQGm2hh"));
  ScriptedRandom client_random(token_script("OA6MHXh6VqTrRk"));
  ServerOptions so;
  so.lookup = [&](std::string_view u) -> const Account* { return u == "chris" ? &chris : nullptr; };
  so.realm = "elwood.innosoft.com";
  so.host = "elwood.innosoft.com";
  so.service = "imap";
  so.random = &server_random;
  ClientOptions co;
  co.authcid = "chris";
  co.password = "secret";
  co.host = "elwood.innosoft.com";
  co.service = "imap";
  co.random = &client_random;

  auto server = m->make_server(so);
  auto client = m->make_client(co);
  EXPECT_EQ(client->initial_response(), std::nullopt);
  Step challenge = server->start(std::nullopt);
  ASSERT_EQ(challenge.kind, Step::Kind::respond);
  EXPECT_EQ(challenge.out, kChallenge);
  Step response = client->step(challenge.out);
  ASSERT_EQ(response.kind, Step::Kind::respond) << response.reason;
  EXPECT_EQ(response.out, kResponse);
  Step final = server->step(response.out);
  ASSERT_EQ(final.kind, Step::Kind::done) << final.reason;
  EXPECT_EQ(final.out, kRspauth);  // success data, sent in a 334 over SMTP (CONT-08)
  EXPECT_EQ(server->authorized_identity(), "chris");
  Step verified = client->step(final.out);
  EXPECT_EQ(verified.kind, Step::Kind::done) << verified.reason;
}

TEST(DigestMd5, ClientRejectsWrongRspauth) {
  ScriptedRandom r(token_script("OA6MHXh6VqTrRk"));
  ClientOptions co;
  co.authcid = "chris";
  co.password = "secret";
  co.host = "elwood.innosoft.com";
  co.service = "imap";
  co.random = &r;
  auto client = find_mechanism("DIGEST-MD5")->make_client(co);
  ASSERT_EQ(client->step(kChallenge).kind, Step::Kind::respond);
  Step s = client->step("rspauth=ea40f60335c427b5527b84dbabcdfffe");
  EXPECT_EQ(s.kind, Step::Kind::fail);
  EXPECT_EQ(s.why, Why::bad_server);
}

struct ParseRow {
  const char* why;
  std::string_view in;
  bool ok;
  std::size_t count_or_offset;
};

TEST(DigestMd5, DirectiveParser) {
  const ParseRow rows[] = {
      {"empty list", "", true, 0},
      {"only commas and spaces (empty elements, §7.1)", " , ,, ", true, 0},
      {"token value", "a=b", true, 1},
      {"LWS around '=' and ','", "a = b , c=\"d\"", true, 2},
      {"empty element between (DIG-10)", "a=b,,c=d", true, 2},
      {"quoted comma", "a=\"x,y\",b=c", true, 2},
      {"quoted-pair", "a=\"x\\\"y\"", true, 1},
      {"unterminated quote", "a=\"xyz", false, 2},
      {"backslash at the end", "a=\"x\\", false, 2},
      {"missing '='", "abc", false, 3},
      {"missing name", "=b", false, 0},
      {"empty token value", "a=,b=c", false, 2},
      {"junk after value", "a=b c=d", false, 4},
      {"junk after quoted value", "a=\"b\"c", false, 5},
      {"NUL in name", std::string_view("a\0=b", 4), false, 1},
  };
  for (const auto& r : rows) {
    auto p = digest_md5::parse_directives(r.in);
    ASSERT_EQ(p.ok(), r.ok) << r.why;
    if (r.ok) {
      EXPECT_EQ(p->size(), r.count_or_offset) << r.why;
    } else {
      EXPECT_EQ(p.error().offset, r.count_or_offset) << r.why;
    }
  }
  auto q = digest_md5::parse_directives("Realm=\"a\\\\b\\\"c\"");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)[0].name, "realm");
  EXPECT_EQ((*q)[0].value, "a\\b\"c");
  EXPECT_TRUE((*q)[0].quoted);
}

TEST(DigestMd5, DirectiveCountIsBounded) {
  std::string many;
  for (int i = 0; i < 65; ++i) many += "a=b,";
  auto p = digest_md5::parse_directives(many, 64);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().what, "too many directives");
  EXPECT_TRUE(digest_md5::parse_directives(many, 65).ok());
}

TEST(DigestMd5, SingleDetectsDuplicates) {
  auto p = digest_md5::parse_directives("nonce=\"a\",nonce=\"b\",x=1");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(digest_md5::single(*p, "nonce").ok());
  auto x = digest_md5::single(*p, "x");
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(**x, "1");
  auto none = digest_md5::single(*p, "realm");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(DigestMd5, Latin1Conversion) {
  EXPECT_EQ(digest_md5::to_latin1_if_possible("abc"), "abc");
  EXPECT_EQ(digest_md5::to_latin1_if_possible("\xC3\xA9t\xC3\xA9"), "\xE9t\xE9");
  EXPECT_EQ(digest_md5::to_latin1_if_possible("\xE2\x82\xAC"), "\xE2\x82\xAC");  // euro sign stays
}

struct ServerRow {
  const char* why;
  std::string response;  // "%N" is replaced by the server's nonce
  Why want;
};

TEST(DigestMd5, ServerRejectsMalformedResponses) {
  const std::string good_tail = ",cnonce=\"abcdefabcdefab\",nc=00000001,digest-uri=\"smtp/h\",qop=auth,"
                                "response=0123456789abcdef0123456789abcdef";
  const ServerRow rows[] = {
      {"empty", "", Why::malformed},
      {"binary junk", std::string("\x00\x01\xFF", 3), Why::malformed},
      {"no username", "nonce=\"%N\"" + good_tail, Why::malformed},
      {"duplicate nonce", "username=\"tim\",nonce=\"%N\",nonce=\"%N\"" + good_tail, Why::malformed},
      {"unterminated quote", "username=\"tim,nonce=\"%N\"" + good_tail, Why::malformed},
      {"qop auth-conf", "username=\"tim\",nonce=\"%N\",qop=auth-conf" + good_tail, Why::malformed},
      {"response 31 hex", "username=\"tim\",nonce=\"%N\",cnonce=\"c\",nc=00000001,digest-uri=\"smtp/h\","
                          "response=0123456789abcdef0123456789abcde", Why::malformed},
      {"nc not hex", "username=\"tim\",nonce=\"%N\",cnonce=\"c\",nc=0000000g,digest-uri=\"smtp/h\","
                     "response=0123456789abcdef0123456789abcdef", Why::malformed},
      {"too long (DIG-12)", "username=\"tim\",x=\"" + std::string(5000, 'p') + "\"", Why::malformed},
      {"well-formed, wrong digest", "username=\"tim\",nonce=\"%N\"" + good_tail, Why::bad_credentials},
  };
  for (const auto& r : rows) {
    Account tim{"tim", "pw", {}};
    SeededRandom rnd(5);
    ServerOptions so;
    so.lookup = [&](std::string_view u) -> const Account* { return u == "tim" ? &tim : nullptr; };
    so.host = "h";
    so.random = &rnd;
    auto server = find_mechanism("DIGEST-MD5")->make_server(so);
    Step c = server->start(std::nullopt);
    auto d = digest_md5::parse_directives(c.out);
    ASSERT_TRUE(d.ok());
    const std::string nonce = **digest_md5::single(*d, "nonce");
    std::string resp = r.response;
    for (std::size_t at; (at = resp.find("%N")) != std::string::npos;) resp.replace(at, 2, nonce);
    Step s = server->step(resp);
    EXPECT_EQ(s.kind, Step::Kind::fail) << r.why;
    EXPECT_EQ(s.why, r.want) << r.why << ": " << s.reason;
  }
}

TEST(DigestMd5, ClientRejectsMalformedChallenges) {
  const std::pair<const char*, std::string> rows[] = {
      {"empty", ""},
      {"no nonce", "realm=\"r\",qop=\"auth\",algorithm=md5-sess"},
      {"two nonces", "nonce=\"a\",nonce=\"b\",algorithm=md5-sess"},
      {"no algorithm", "nonce=\"a\""},
      {"algorithm md5", "nonce=\"a\",algorithm=md5"},
      {"two algorithms", "nonce=\"a\",algorithm=md5-sess,algorithm=md5-sess"},
      {"charset latin1", "nonce=\"a\",algorithm=md5-sess,charset=iso-8859-1"},
      {"qop without auth", "nonce=\"a\",algorithm=md5-sess,qop=\"auth-conf\""},
      {"unterminated", "nonce=\"a,algorithm=md5-sess"},
      {"over 2048 octets", "nonce=\"a\",algorithm=md5-sess,x=\"" + std::string(2100, 'x') + "\""},
  };
  for (const auto& [why, challenge] : rows) {
    SeededRandom rnd(3);
    ClientOptions co;
    co.authcid = "tim";
    co.password = "pw";
    co.random = &rnd;
    auto client = find_mechanism("DIGEST-MD5")->make_client(co);
    Step s = client->step(challenge);
    EXPECT_EQ(s.kind, Step::Kind::fail) << why;
    EXPECT_EQ(s.why, Why::bad_server) << why;
  }
  // qop list with several options including auth, and a challenge without realm, are fine.
  SeededRandom rnd(3);
  ClientOptions co;
  co.random = &rnd;
  auto client = find_mechanism("DIGEST-MD5")->make_client(co);
  EXPECT_EQ(client->step("nonce=\"a\",algorithm=md5-sess,qop=\"auth-conf, auth\"").kind, Step::Kind::respond);
}

TEST(DigestMd5, FreshNonceEveryChallenge) {
  SeededRandom rnd(8);
  ServerOptions so;
  so.random = &rnd;
  std::set<std::string> nonces;
  for (int i = 0; i < 50; ++i) {
    auto server = find_mechanism("DIGEST-MD5")->make_server(so);
    Step c = server->start(std::nullopt);
    auto d = digest_md5::parse_directives(c.out);
    ASSERT_TRUE(d.ok());
    nonces.insert(**digest_md5::single(*d, "nonce"));
  }
  EXPECT_EQ(nonces.size(), 50u);  // DIG-02
}

}  // namespace
}  // namespace sah::sasl
