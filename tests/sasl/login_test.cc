// LOGIN (draft-murchison-sasl-login; requirements §4.3 and LOGIN-01…06).
#include <gtest/gtest.h>

#include "harness/codec/base64.h"
#include "harness/sasl/registry.h"

namespace sah::sasl {
namespace {

const MechanismInfo& login() { return *find_mechanism("LOGIN"); }

TEST(Login, ClientAnswersTheDraftExample) {
  ClientOptions co;
  co.authcid = "tim";
  co.password = "tanstaaftanstaaf";
  auto c = login().make_client(co);
  EXPECT_EQ(c->initial_response(), std::nullopt);
  // The prompts of the draft's example, with their trailing NUL: text is not significant.
  Step u = c->step(*codec::base64_decode("VXNlciBOYW1lAA=="));
  ASSERT_EQ(u.kind, Step::Kind::respond);
  EXPECT_EQ(codec::base64_encode(u.out), "dGlt");
  Step p = c->step(*codec::base64_decode("UGFzc3dvcmQA"));
  ASSERT_EQ(p.kind, Step::Kind::respond);
  EXPECT_EQ(codec::base64_encode(p.out), "dGFuc3RhYWZ0YW5zdGFhZg==");
  EXPECT_EQ(c->step("").why, Why::bad_server);  // LOGIN-06: no third challenge
}

TEST(Login, ServerPromptsAndOutcomes) {
  Account tim{"tim", "tanstaaftanstaaf", {}};
  ServerOptions so;
  so.lookup = [&](std::string_view u) -> const Account* { return u == "tim" ? &tim : nullptr; };
  struct Row { const char* why; std::string user; std::string password; Step::Kind kind; Why want; };
  const Row rows[] = {
      {"valid (LOGIN-01)", "tim", "tanstaaftanstaaf", Step::Kind::done, Why::none},
      {"wrong password (LOGIN-03)", "tim", "tanstaaftanstaafx", Step::Kind::fail, Why::bad_credentials},
      {"unknown user still prompted (LOGIN-02)", "nobody", "tanstaaftanstaaf", Step::Kind::fail, Why::bad_credentials},
      {"NUL in password (LOGIN-04)", "tim", std::string("tanstaaftanstaaf\0junk", 21), Step::Kind::fail, Why::malformed},
      {"empty password", "tim", "", Step::Kind::fail, Why::bad_credentials},
      {"empty user", "", "x", Step::Kind::fail, Why::bad_credentials},
  };
  for (const auto& r : rows) {
    auto s = login().make_server(so);
    Step p1 = s->start(std::nullopt);
    ASSERT_EQ(p1.kind, Step::Kind::respond);
    EXPECT_EQ(codec::base64_encode(p1.out), "VXNlcm5hbWU6");  // "Username:"
    Step p2 = s->step(r.user);
    ASSERT_EQ(p2.kind, Step::Kind::respond) << r.why;
    EXPECT_EQ(codec::base64_encode(p2.out), "UGFzc3dvcmQ6");  // "Password:"
    Step out = s->step(r.password);
    EXPECT_EQ(out.kind, r.kind) << r.why;
    EXPECT_EQ(out.why, r.want) << r.why << ": " << out.reason;
  }
}

TEST(Login, InitialResponseIsTheUserName) {
  Account tim{"tim", "pw", {}};
  ServerOptions so;
  so.lookup = [&](std::string_view u) -> const Account* { return u == "tim" ? &tim : nullptr; };
  auto s = login().make_server(so);
  Step p = s->start(Bytes("tim"));  // SYN-12 practice
  ASSERT_EQ(p.kind, Step::Kind::respond);
  EXPECT_EQ(p.out, "Password:");
  EXPECT_EQ(s->step("pw").kind, Step::Kind::done);
  EXPECT_EQ(s->authorized_identity(), "tim");
}

TEST(Login, OverlongUserRefused) {
  ServerOptions so;
  auto s = login().make_server(so);
  (void)s->start(std::nullopt);
  Step st = s->step(std::string(300, 'u'));  // LOGIN-05
  EXPECT_EQ(st.kind, Step::Kind::fail);
  EXPECT_EQ(st.why, Why::malformed);
}

}  // namespace
}  // namespace sah::sasl
