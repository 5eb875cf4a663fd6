// The in-process transport's part in LIM-04 and LIM-06: idle() hands virtual time to the
// session's idle timer, and close() tells the session the connection dropped, as the acceptor
// does on a timer and on EOF.
#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/net/memory_transport.h"

namespace sah::net {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

server::Config config_with(std::set<std::string> faults) {
  server::Config c;
  c.accounts.push_back({"alice", "wonderland", {}});
  c.faults = std::move(faults);
  return c;
}

// Everything queued for the client, then what follows it (closed or timeout).
std::string drain(Transport& t, Event::Kind& after) {
  std::string out;
  for (;;) {
    Event e = t.receive(1000ms, 4096);
    if (e.kind != Event::Kind::data) {
      after = e.kind;
      return out;
    }
    out += e.data;
  }
}

std::unique_ptr<Transport> open(MemoryConnector& c) {
  Event error;
  auto t = c.connect(1000ms, error);
  EXPECT_NE(t, nullptr) << error.what;
  return t;
}

TEST(MemoryIdle, SilencePastTheIdleLimitGets421AndClose) {
  MemoryConnector connector(config_with({}));
  auto t = open(connector);
  Event::Kind after{};
  (void)drain(*t, after);
  t->idle(299s);
  EXPECT_THAT(drain(*t, after), IsEmpty()) << "under RFC 5321 §4.5.3.2.7's 5 minutes nothing happens";
  EXPECT_EQ(after, Event::Kind::timeout);
  t->idle(1s);
  EXPECT_THAT(drain(*t, after), StartsWith("421 4.4.2 "));
  EXPECT_EQ(after, Event::Kind::closed);
}

TEST(MemoryIdle, SendingStartsTheSilenceAgain) {
  MemoryConnector connector(config_with({}));
  auto t = open(connector);
  Event::Kind after{};
  (void)drain(*t, after);
  t->idle(200s);
  ASSERT_TRUE(t->send("NOOP\r\n", 1000ms).is_ok());
  (void)drain(*t, after);
  t->idle(200s);
  EXPECT_THAT(drain(*t, after), IsEmpty()) << "200 s after the NOOP, not 400 s of silence";
  EXPECT_EQ(after, Event::Kind::timeout);
}

TEST(MemoryIdle, ShortTimeoutFaultDropsAnOpenExchangeWithoutAWord) {
  MemoryConnector connector(config_with({"idle-timeout-short"}));
  auto t = open(connector);
  Event::Kind after{};
  (void)drain(*t, after);
  ASSERT_TRUE(t->send("EHLO x\r\nAUTH LOGIN\r\n", 1000ms).is_ok());
  EXPECT_THAT(drain(*t, after), HasSubstr("334 VXNlcm5hbWU6\r\n"));
  t->idle(30s);
  EXPECT_THAT(drain(*t, after), IsEmpty()) << "no 421: the fault closes silently";
  EXPECT_EQ(after, Event::Kind::closed);
}

TEST(MemoryIdle, IdleAfterTheClientClosedDoesNothing) {
  MemoryConnector connector(config_with({}));
  auto t = open(connector);
  t->close();
  t->idle(400s);
  EXPECT_EQ(t->receive(1000ms, 4096).kind, Event::Kind::error);
}

TEST(MemoryClose, ClosingInTheMiddleOfAnExchangeReachesTheServer) {
  // Under abandoned-exchange-leak the server counts exchanges dropped by a close, across the
  // connections of one connector (one server process), and refuses AUTH after 8.
  MemoryConnector connector(config_with({"abandoned-exchange-leak"}));
  Event::Kind after{};
  for (int i = 0; i < 8; ++i) {
    auto t = open(connector);
    ASSERT_TRUE(t->send("EHLO x\r\nAUTH PLAIN\r\n", 1000ms).is_ok());
    EXPECT_THAT(drain(*t, after), HasSubstr("\r\n334 \r\n")) << "round " << i;
    t->close();
  }
  auto t = open(connector);
  ASSERT_TRUE(t->send("EHLO x\r\nAUTH PLAIN\r\n", 1000ms).is_ok());
  EXPECT_THAT(drain(*t, after), HasSubstr("454 4.7.0 "));
  // Another connector is another process: it starts clean.
  MemoryConnector fresh(config_with({"abandoned-exchange-leak"}));
  auto u = open(fresh);
  ASSERT_TRUE(u->send("EHLO x\r\nAUTH PLAIN\r\n", 1000ms).is_ok());
  EXPECT_THAT(drain(*u, after), HasSubstr("\r\n334 \r\n"));
}

TEST(MemoryClose, AClosedTransportRefusesFurtherUse) {
  MemoryConnector connector(config_with({}));
  auto t = open(connector);
  t->close();
  t->close();  // twice is harmless
  EXPECT_EQ(t->send("NOOP\r\n", 1000ms).kind, Event::Kind::error);
}

}  // namespace
}  // namespace sah::net
