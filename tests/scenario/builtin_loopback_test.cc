#include "harness/scenario/builtin_loopback.h"

#include <gtest/gtest.h>

#include "harness/scenario/builtin_target.h"

namespace sah::scenario {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kWait{5000};

Credentials account() {
  Credentials c;
  c.user = "user";
  c.password = "pw-loopback-test";
  return c;
}

// Reads until a line ends (or the connection ends); returns what arrived.
Bytes read_line(net::Transport& t) {
  Bytes got;
  while (got.find('\n') == Bytes::npos) {
    net::Event e = t.receive(kWait, 4096);
    if (e.kind != net::Event::Kind::data) break;
    got += e.data;
  }
  return got;
}

TEST(BuiltinLoopback, EachConnectorIsItsOwnServerOnALoopbackPort) {
  auto factory = builtin_loopback_factory(builtin_config(account(), net::TlsMode::starttls), net::TlsMode::starttls);
  ASSERT_TRUE(factory.ok()) << factory.error();
  auto a = factory.value()();
  auto b = factory.value()();
  EXPECT_EQ(a->describe().rfind("built-in server on 127.0.0.1:", 0), 0u) << a->describe();
  EXPECT_NE(a->describe(), b->describe());  // two servers, two ports
  net::Event error;
  auto conn = a->connect(kWait, error);
  ASSERT_NE(conn, nullptr) << error.what;
  EXPECT_EQ(read_line(*conn).rfind("220 ", 0), 0u);
  ASSERT_TRUE(conn->send("EHLO client.example\r\n", kWait).is_ok());
  Bytes ehlo;
  while (ehlo.find("\n250 ") == Bytes::npos && ehlo.rfind("250 ", 0) != 0) {
    net::Event e = conn->receive(kWait, 4096);
    ASSERT_EQ(e.kind, net::Event::Kind::data);
    ehlo += e.data;
  }
  EXPECT_NE(ehlo.find("STARTTLS"), Bytes::npos);
  ASSERT_TRUE(conn->send("STARTTLS\r\n", kWait).is_ok());
  EXPECT_EQ(read_line(*conn).rfind("220 ", 0), 0u);
  EXPECT_TRUE(conn->start_tls(kWait).is_ok());
  EXPECT_TRUE(conn->is_tls());
}

TEST(BuiltinLoopback, ACrashFaultStopsThatServerAndSparesTheHarnessAndTheOthers) {
  auto factory = builtin_loopback_factory(builtin_config(account(), net::TlsMode::none, {"long-line-crash"}),
                                          net::TlsMode::none);
  ASSERT_TRUE(factory.ok()) << factory.error();
  auto doomed = factory.value()();
  auto other = factory.value()();
  net::Event error;
  auto conn = doomed->connect(kWait, error);
  ASSERT_NE(conn, nullptr) << error.what;
  read_line(*conn);
  ASSERT_TRUE(conn->send("EHLO client.example\r\n", kWait).is_ok());
  read_line(*conn);
  conn->send("AUTH PLAIN " + Bytes(12000, 'A') + "\r\n", kWait);
  // The crash: the connection ends without a reply, and the port no longer accepts.
  net::Event e = conn->receive(kWait, 4096);
  while (e.kind == net::Event::Kind::data && e.data.find("250") != Bytes::npos) e = conn->receive(kWait, 4096);
  EXPECT_NE(e.kind, net::Event::Kind::data) << e.data;
  EXPECT_EQ(doomed->connect(milliseconds(1000), error), nullptr);
  // Another case's server is untouched.
  auto alive = other->connect(kWait, error);
  ASSERT_NE(alive, nullptr) << error.what;
  EXPECT_EQ(read_line(*alive).rfind("220 ", 0), 0u);
}

}  // namespace
}  // namespace sah::scenario
