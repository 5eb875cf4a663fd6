// Failure injection after Beast's fail_count: the Nth operation and every later one fail, a
// failing operation never reaches the real transport, and a scenario run with N = 0, 1, 2 …
// meets every failure once before it completes.
#include "harness/net/fault_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/net/memory_transport.h"
#include "harness/net/recording_transport.h"

namespace sah::net {
namespace {

using namespace std::chrono_literals;
using ::testing::StartsWith;

constexpr auto kDeadline = 1000ms;

std::unique_ptr<Connector> memory() { return std::make_unique<MemoryConnector>(server::Config{}); }

TEST(FailCount, FailsTheNthAndEveryLaterCall) {
  FailCount count(2);
  Event e;
  EXPECT_FALSE(count.fail(e));
  EXPECT_FALSE(count.fail(e));
  EXPECT_FALSE(count.reached());
  EXPECT_TRUE(count.fail(e));
  EXPECT_EQ(e.kind, Event::Kind::error);
  EXPECT_EQ(e.what, "injected failure");
  EXPECT_TRUE(count.fail(e));
  EXPECT_TRUE(count.reached());
  EXPECT_EQ(count.operations(), 4u);
}

TEST(FaultConnector, ZeroFailsTheConnect) {
  FaultConnector c(memory(), std::make_shared<FailCount>(0));
  Event error;
  EXPECT_EQ(c.connect(kDeadline, error), nullptr);
  EXPECT_EQ(error.what, "injected failure");
  EXPECT_EQ(c.describe(), "in-process server (fault injection)");
}

TEST(FaultTransport, OperationsBeforeTheNthReachTheTransport) {
  auto count = std::make_shared<FailCount>(3, Event::timeout());
  FaultConnector c(memory(), count);
  Event error;
  auto t = c.connect(kDeadline, error);  // 0
  ASSERT_TRUE(t);
  Event greeting = t->receive(kDeadline, 4096);  // 1
  ASSERT_EQ(greeting.kind, Event::Kind::data);
  EXPECT_THAT(greeting.data, StartsWith("220 "));
  EXPECT_TRUE(t->send("NOOP\r\n", kDeadline).is_ok());              // 2
  EXPECT_EQ(t->receive(kDeadline, 4096).kind, Event::Kind::timeout);  // 3: injected
  EXPECT_EQ(t->start_tls(kDeadline).kind, Event::Kind::timeout);      // 4: still failing
}

TEST(FaultTransport, AFailingSendNeverReachesTheServer) {
  codec::SecretMasker none;
  Transcript transcript(none);
  MemoryConnector server(server::Config{});
  Event error;
  auto inner = std::make_unique<RecordingTransport>(server.connect(kDeadline, error), transcript);
  FaultTransport t(std::move(inner), std::make_shared<FailCount>(0, Event::closed()));
  EXPECT_EQ(t.send("QUIT\r\n", kDeadline).kind, Event::Kind::closed);
  for (const auto& e : transcript.entries()) EXPECT_NE(e.kind, TranscriptEntry::Kind::client);
}

// Beast's pattern: run the whole conversation with N = 0, 1, 2 … until no failure was reached.
bool run_conversation(Connector& c) {
  Event error;
  auto t = c.connect(kDeadline, error);
  if (!t) return false;
  for (const char* line : {"EHLO x\r\n", "NOOP\r\n", "QUIT\r\n"}) {
    Event in = t->receive(kDeadline, 4096);
    if (in.kind != Event::Kind::data) return false;
    if (!t->send(line, kDeadline).is_ok()) return false;
  }
  return t->receive(kDeadline, 4096).kind == Event::Kind::data;
}

TEST(FaultTransport, EveryFailurePathRunsOnceBeforeSuccess) {
  std::size_t n = 0;
  for (; n < 100; ++n) {
    auto count = std::make_shared<FailCount>(n);
    FaultConnector c(memory(), count);
    const bool ok = run_conversation(c);
    EXPECT_EQ(ok, !count->reached()) << "n = " << n;
    if (!count->reached()) break;
  }
  // connect + 3 × (receive, send) + the final receive.
  EXPECT_EQ(n, 8u);
}

}  // namespace
}  // namespace sah::net
