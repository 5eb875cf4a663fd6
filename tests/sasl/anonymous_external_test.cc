// ANONYMOUS (RFC 4505) and EXTERNAL (RFC 4422 App. A): requirements §4.11, AN-*, EX-*.
#include <gtest/gtest.h>

#include "harness/codec/base64.h"
#include "harness/sasl/registry.h"

namespace sah::sasl {
namespace {

TEST(Anonymous, Rfc4505Trace) {
  ClientOptions co;
  co.authcid = "sirhc";
  auto ir = find_mechanism("ANONYMOUS")->make_client(co)->initial_response();
  ASSERT_TRUE(ir.has_value());
  EXPECT_EQ(codec::base64_encode(*ir), "c2lyaGM=");
}

TEST(Anonymous, ServerTable) {
  struct Row { const char* why; std::string trace; Step::Kind kind; };
  const Row rows[] = {
      {"empty (AN-01 a)", "", Step::Kind::done},
      {"email (AN-01 b)", "harness@example.net", Step::Kind::done},
      {"255 characters", std::string(255, 't'), Step::Kind::done},
      {"255 two-octet characters", [] { std::string s; for (int i = 0; i < 255; ++i) s += "\xC3\xA9"; return s; }(), Step::Kind::done},
      {"256 characters (AN-02)", std::string(256, 't'), Step::Kind::fail},
      {"invalid UTF-8", "\xFF", Step::Kind::fail},
      {"NUL", std::string("a\0b", 3), Step::Kind::fail},
  };
  for (const auto& r : rows) {
    auto s = find_mechanism("ANONYMOUS")->make_server(ServerOptions{});
    Step st = s->start(r.trace);
    EXPECT_EQ(st.kind, r.kind) << r.why;
    if (st.kind == Step::Kind::done) {
      EXPECT_EQ(st.out, "") << "AN-03: no success data";
      EXPECT_EQ(s->authorized_identity(), "anonymous");
    } else {
      EXPECT_EQ(st.why, Why::malformed) << r.why;
    }
  }
}

TEST(External, Rfc4422AppendixA) {
  ClientOptions co;
  co.authzid = "fred@example.com";
  auto ir = find_mechanism("EXTERNAL")->make_client(co)->initial_response();
  ASSERT_TRUE(ir.has_value());
  EXPECT_EQ(codec::base64_encode(*ir), "ZnJlZEBleGFtcGxlLmNvbQ==");
  ClientOptions empty;
  EXPECT_EQ(find_mechanism("EXTERNAL")->make_client(empty)->initial_response(), Bytes());
}

TEST(External, ServerTable) {
  struct Row { const char* why; bool present; std::string authzid; Step::Kind kind; Why want; };
  const Row rows[] = {
      {"derived identity (EX-02)", true, "", Step::Kind::done, Why::none},
      {"same identity named", true, "fred@example.com", Step::Kind::done, Why::none},
      {"no external credentials (EX-03)", false, "", Step::Kind::fail, Why::bad_credentials},
      {"other identity (EX-04)", true, "other@example.com", Step::Kind::fail, Why::not_authorized},
      {"NUL in authzid (EX-05)", true, std::string("fred@example.com\0x", 18), Step::Kind::fail, Why::malformed},
  };
  for (const auto& r : rows) {
    ServerOptions so;
    so.external_identity_present = r.present;
    so.external_identity = r.present ? "fred@example.com" : "";
    auto s = find_mechanism("EXTERNAL")->make_server(so);
    Step first = s->start(std::nullopt);
    ASSERT_EQ(first.kind, Step::Kind::respond);
    EXPECT_EQ(first.out, "") << "EX-01";
    Step st = s->step(r.authzid);
    EXPECT_EQ(st.kind, r.kind) << r.why;
    EXPECT_EQ(st.why, r.want) << r.why << ": " << st.reason;
    if (st.kind == Step::Kind::done) EXPECT_EQ(s->authorized_identity(), "fred@example.com");
    EXPECT_EQ(s->step("").kind, Step::Kind::fail) << "EX-06: nothing after the outcome";
  }
}

}  // namespace
}  // namespace sah::sasl
