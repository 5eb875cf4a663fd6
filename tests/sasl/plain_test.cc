// PLAIN (RFC 4616): the published messages (requirements §4.2) and the server's malformed table.
#include <gtest/gtest.h>

#include "harness/codec/base64.h"
#include "harness/sasl/registry.h"
#include "tests/sasl/exchange_util.h"

namespace sah::sasl {
namespace {

const MechanismInfo& plain() { return *find_mechanism("PLAIN"); }

ClientOptions client(std::string z, std::string c, std::string p) {
  ClientOptions o;
  o.authzid = std::move(z);
  o.authcid = std::move(c);
  o.password = std::move(p);
  return o;
}

TEST(Plain, ClientProducesThePublishedMessages) {
  struct Row { const char* source; ClientOptions opts; std::string_view b64; };
  const Row rows[] = {
      {"RFC 4954 §4.1", client("test", "test", "1234"), "dGVzdAB0ZXN0ADEyMzQ="},
      {"RFC 4616 §4 example 1", client("", "tim", "tanstaaftanstaaf"), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"},
      {"RFC 4616 §4 example 2", client("Ursel", "Kurt", "xipj3plmq"), "VXJzZWwAS3VydAB4aXBqM3BsbXE="},
  };
  for (const auto& r : rows) {
    auto c = plain().make_client(r.opts);
    auto ir = c->initial_response();
    ASSERT_TRUE(ir.has_value()) << r.source;
    EXPECT_EQ(codec::base64_encode(*ir), r.b64) << r.source;
  }
}

struct ServerRow {
  const char* why;
  std::string msg;
  Step::Kind kind;
  Why want;
};

TEST(Plain, ServerTable) {
  Account tim{"tim", "tanstaaftanstaaf", {}};
  Account kurt{"Kurt", "xipj3plmq", {}};
  using K = Step::Kind;
  const std::string s255(255, 's');
  const ServerRow rows[] = {
      {"valid", std::string("\0tim\0tanstaaftanstaaf", 21), K::done, Why::none},
      {"authzid equal to authcid (PLAIN-02)", std::string("tim\0tim\0tanstaaftanstaaf", 24), K::done, Why::none},
      {"Kurt may not act as Ursel (RFC 4616 §4)", std::string("Ursel\0Kurt\0xipj3plmq", 20), K::fail, Why::not_authorized},
      {"wrong password (PLAIN-04)", std::string("\0tim\0tanstaaftanstaafx", 22), K::fail, Why::bad_credentials},
      {"case differs (PLAIN-12)", std::string("\0tim\0TANSTAAFTANSTAAF", 21), K::fail, Why::bad_credentials},
      {"unknown user", std::string("\0nobody\0tanstaaftanstaaf", 24), K::fail, Why::bad_credentials},
      {"empty message (SYN-09)", "", K::fail, Why::malformed},
      {"only one NUL (PLAIN-05)", std::string("\0tim", 4), K::fail, Why::malformed},
      {"no NUL (PLAIN-05)", "timtanstaaf", K::fail, Why::malformed},
      {"third NUL and junk (PLAIN-06)", std::string("\0tim\0tanstaaftanstaaf\0junk", 26), K::fail, Why::malformed},
      {"trailing NUL (PLAIN-06)", std::string("\0tim\0tanstaaftanstaaf\0", 22), K::fail, Why::malformed},
      {"leading double NUL (PLAIN-06)", std::string("\0\0tim\0tanstaaftanstaaf", 22), K::fail, Why::malformed},
      {"empty password (PLAIN-07)", std::string("\0tim\0", 5), K::fail, Why::malformed},
      {"empty authcid (PLAIN-07)", std::string("\0\0tanstaaftanstaaf", 18), K::fail, Why::malformed},
      {"both empty (PLAIN-07)", std::string("\0\0", 2), K::fail, Why::malformed},
      {"255-octet fields processed (PLAIN-08)", s255 + '\0' + s255 + '\0' + s255, K::fail, Why::bad_credentials},
      {"256-octet password (PLAIN-09)", std::string("\0tim\0", 5) + std::string(256, 'p'), K::fail, Why::malformed},
      {"authcid with 0xC0 (PLAIN-10)", std::string("\0tim\xC0\0pw", 8), K::fail, Why::malformed},
      {"authcid with 0xFF (PLAIN-10)", std::string("\0tim\xFF\0pw", 8), K::fail, Why::malformed},
      {"overlong '/' (PLAIN-10)", std::string("\0\xC0\xAFtim\0pw", 9), K::fail, Why::malformed},
      {"surrogate in password (PLAIN-10)", std::string("\0tim\0pw\xED\xA0\x80", 10), K::fail, Why::malformed},
  };
  for (const auto& r : rows) {
    ServerOptions so;
    so.lookup = [&](std::string_view u) -> const Account* {
      return u == "tim" ? &tim : u == "Kurt" ? &kurt : nullptr;
    };
    for (bool ir : {true, false}) {
      auto s = plain().make_server(so);
      Step st = ir ? s->start(r.msg) : s->start(std::nullopt);
      if (!ir) {
        ASSERT_EQ(st.kind, Step::Kind::respond) << r.why;
        EXPECT_EQ(st.out, "") << "SYN-10: empty first challenge";
        st = s->step(r.msg);
      }
      EXPECT_EQ(st.kind, r.kind) << r.why;
      EXPECT_EQ(st.why, r.want) << r.why << ": " << st.reason;
      if (st.kind == Step::Kind::done) {
        EXPECT_EQ(s->authorized_identity(), "tim") << r.why;
        EXPECT_EQ(s->step("").kind, Step::Kind::fail) << "CONT-10: nothing after the outcome";
      }
    }
  }
}

TEST(Plain, ClientRefusesAChallengeAfterItsMessage) {
  auto c = plain().make_client(client("", "tim", "pw"));
  (void)c->initial_response();
  Step s = c->step("more?");
  EXPECT_EQ(s.kind, Step::Kind::fail);
  EXPECT_EQ(s.why, Why::bad_server);
  // Without an initial response, a non-empty first challenge is a server error (RFC 4422 §5).
  auto c2 = plain().make_client(client("", "tim", "pw"));
  EXPECT_EQ(c2->step("x").why, Why::bad_server);
}

}  // namespace
}  // namespace sah::sasl
