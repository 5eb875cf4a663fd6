// CRAM-MD5 (RFC 2195 §2; requirements §4.4, CRAM-01…08).
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "harness/codec/base64.h"
#include "harness/sasl/registry.h"

namespace sah::sasl {
namespace {

const MechanismInfo& cram() { return *find_mechanism("CRAM-MD5"); }

TEST(CramMd5, Rfc2195Vector) {
  ClientOptions co;
  co.authcid = "tim";
  co.password = "tanstaaftanstaaf";
  auto c = cram().make_client(co);
  EXPECT_EQ(c->initial_response(), std::nullopt);
  auto challenge = codec::base64_decode("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");
  ASSERT_TRUE(challenge.ok());
  EXPECT_EQ(*challenge, "<1896.697170952@postoffice.reston.mci.net>");
  Step s = c->step(*challenge);
  ASSERT_EQ(s.kind, Step::Kind::respond);
  EXPECT_EQ(s.out, "tim b913a602c7eda7a495b4e6e7334d3890");
  EXPECT_EQ(codec::base64_encode(s.out), "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
  EXPECT_EQ(c->step("again").why, Why::bad_server);
}

TEST(CramMd5, Rfc4954ExampleParses) {
  auto ch = codec::base64_decode("PDQxOTI5NDIzNDEuMTI4Mjg0NzJAc291cmNlZm91ci5hbmRyZXcuY211LmVkdT4=");
  ASSERT_TRUE(ch.ok());
  EXPECT_EQ(*ch, "<4192942341.12828472@sourcefour.andrew.cmu.edu>");
  auto resp = codec::base64_decode("cmpzMyBlYzNhNTlmZWQzOTVhYmExZWM2MzY3YzRmNGI0MWFjMA==");
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(*resp, "rjs3 ec3a59fed395aba1ec6367c4f4b41ac0");
}

TEST(CramMd5, ChallengeFormAndFreshness) {
  SeededRandom rnd(4);
  ServerOptions so;
  so.host = "mx.example.net";
  so.random = &rnd;
  const std::regex msg_id("^<[!-;=?-~]+@[!-;=?-~]+>$");  // CRAM-01
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto s = cram().make_server(so);
    Step c = s->start(std::nullopt);
    ASSERT_EQ(c.kind, Step::Kind::respond);
    EXPECT_TRUE(std::regex_match(c.out, msg_id)) << c.out;
    EXPECT_NE(c.out.find("@mx.example.net>"), std::string::npos);
    seen.insert(c.out);
  }
  EXPECT_EQ(seen.size(), 50u);  // CRAM-02
}

TEST(CramMd5, InitialResponseRefused) {
  SeededRandom rnd(4);
  ServerOptions so;
  so.random = &rnd;
  auto s = cram().make_server(so);
  Step st = s->start(Bytes("dGVzdA=="));  // SYN-11
  EXPECT_EQ(st.kind, Step::Kind::fail);
  EXPECT_EQ(st.why, Why::malformed);
}

TEST(CramMd5, ServerMalformedTable) {
  Account tim{"tim", "tanstaaftanstaaf", {}};
  Account spaced{"first last", "pw", {}};
  struct Row { const char* why; std::string (*make)(const std::string& digest); Step::Kind kind; Why want; };
  const Row rows[] = {
      {"correct (CRAM-03)", [](const std::string& d) { return "tim " + d; }, Step::Kind::done, Why::none},
      {"user only", [](const std::string&) { return std::string("tim"); }, Step::Kind::fail, Why::malformed},
      {"two spaces", [](const std::string& d) { return "tim  " + d; }, Step::Kind::fail, Why::bad_credentials},
      {"31 digits", [](const std::string& d) { return "tim " + d.substr(0, 31); }, Step::Kind::fail, Why::malformed},
      {"33 digits", [](const std::string& d) { return "tim " + d + "0"; }, Step::Kind::fail, Why::malformed},
      {"not hex", [](const std::string&) { return "tim " + std::string(32, 'z'); }, Step::Kind::fail, Why::malformed},
      {"empty", [](const std::string&) { return std::string(); }, Step::Kind::fail, Why::malformed},
      {"space then digest", [](const std::string& d) { return " " + d; }, Step::Kind::fail, Why::malformed},
      {"upper-case hex (CRAM-06)",
       [](const std::string& d) {
         std::string u = d;
         for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
         return "tim " + u;
       },
       Step::Kind::fail, Why::bad_credentials},
      {"unknown user", [](const std::string& d) { return "nobody " + d; }, Step::Kind::fail, Why::bad_credentials},
  };
  for (const auto& r : rows) {
    SeededRandom rnd(4);
    ServerOptions so;
    so.lookup = [&](std::string_view u) -> const Account* { return u == "tim" ? &tim : u == "first last" ? &spaced : nullptr; };
    so.random = &rnd;
    auto s = cram().make_server(so);
    Step c = s->start(std::nullopt);
    ClientOptions co;
    co.authcid = "tim";
    co.password = "tanstaaftanstaaf";
    auto client = cram().make_client(co);
    const std::string digest = client->step(c.out).out.substr(4);
    Step st = s->step(r.make(digest));
    EXPECT_EQ(st.kind, r.kind) << r.why;
    EXPECT_EQ(st.why, r.want) << r.why << ": " << st.reason;
  }
}

TEST(CramMd5, UserNameWithSpaces) {
  Account spaced{"first last", "pw", {}};
  SeededRandom rnd(4);
  ServerOptions so;
  so.lookup = [&](std::string_view u) -> const Account* { return u == "first last" ? &spaced : nullptr; };
  so.random = &rnd;
  auto s = cram().make_server(so);
  Step c = s->start(std::nullopt);
  ClientOptions co;
  co.authcid = "first last";
  co.password = "pw";
  Step st = s->step(cram().make_client(co)->step(c.out).out);  // CRAM-08
  EXPECT_EQ(st.kind, Step::Kind::done) << st.reason;
}

TEST(CramMd5, ReplayedResponseFails) {
  Account tim{"tim", "pw", {}};
  SeededRandom rnd(4);
  ServerOptions so;
  so.lookup = [&](std::string_view u) -> const Account* { return u == "tim" ? &tim : nullptr; };
  so.random = &rnd;
  ClientOptions co;
  co.authcid = "tim";
  co.password = "pw";
  auto s1 = cram().make_server(so);
  const Bytes old = cram().make_client(co)->step(s1->start(std::nullopt).out).out;
  ASSERT_EQ(s1->step(old).kind, Step::Kind::done);
  auto s2 = cram().make_server(so);
  (void)s2->start(std::nullopt);
  EXPECT_EQ(s2->step(old).why, Why::bad_credentials);  // CRAM-05
}

}  // namespace
}  // namespace sah::sasl
