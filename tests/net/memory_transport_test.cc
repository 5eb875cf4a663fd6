// The in-process transport driving the built-in server's Session: greeting, commands, virtual
// time, size bounds, STARTTLS and implicit TLS with the fixed fake bindings, and the server's
// close, hang and crash actions (a crash makes every later connect fail).
#include "harness/net/memory_transport.h"

#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/codec/base64.h"
#include "harness/server/faults.h"

namespace sah::net {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr auto kDeadline = 5000ms;

server::Config test_config() {
  server::Config c;
  c.accounts.push_back({"alice", "wonderland", {}});
  return c;
}

std::string plain(std::string_view user, std::string_view password) {
  std::string m;
  m += '\0';
  m += user;
  m += '\0';
  m += password;
  return codec::base64_encode(m);
}

// Everything the server has queued (the memory transport never waits).
std::string drain(Transport& t) {
  std::string got;
  for (;;) {
    Event e = t.receive(kDeadline, 1 << 16);
    if (e.kind != Event::Kind::data) return got;
    got += e.data;
  }
}

std::unique_ptr<Transport> open(MemoryConnector& c) {
  Event error;
  auto t = c.connect(kDeadline, error);
  EXPECT_TRUE(t) << error.what;
  return t;
}

// Skips a test whose fault switch the server does not have (yet): it turns on by itself.
#define REQUIRE_FAULT(name)                                                               \
  do {                                                                                    \
    if (server::find_fault(name) == nullptr) GTEST_SKIP() << "no server fault " << name; \
  } while (0)

TEST(MemoryTransport, GreetsOnConnect) {
  MemoryConnector c(test_config());
  auto t = open(c);
  ASSERT_TRUE(t);
  EXPECT_THAT(drain(*t), StartsWith("220 harness.localhost"));
  EXPECT_EQ(c.connections(), 1u);
  EXPECT_EQ(c.describe(), "in-process server");
}

TEST(MemoryTransport, EhloListsAuth) {
  MemoryConnector c(test_config());
  auto t = open(c);
  ASSERT_TRUE(t);
  drain(*t);
  ASSERT_TRUE(t->send("EHLO client.example\r\n", kDeadline).is_ok());
  const std::string reply = drain(*t);
  EXPECT_THAT(reply, StartsWith("250-harness.localhost"));
  EXPECT_THAT(reply, HasSubstr("AUTH "));
}

TEST(MemoryTransport, AuthPlainSucceedsInChunks) {
  MemoryConnector c(test_config());
  auto t = open(c);
  ASSERT_TRUE(t);
  drain(*t);
  const std::string cmd = "EHLO x\r\nAUTH PLAIN " + plain("alice", "wonderland") + "\r\n";
  // Any chunking reaches the session intact.
  for (char ch : cmd) ASSERT_TRUE(t->send(std::string(1, ch), kDeadline).is_ok());
  EXPECT_THAT(drain(*t), HasSubstr("235 2.7.0"));
}

TEST(MemoryTransport, NothingToSayIsAnImmediateTimeout) {
  MemoryConnector c(test_config());
  auto t = open(c);
  ASSERT_TRUE(t);
  drain(*t);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(t->receive(60s, 100).kind, Event::Kind::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);  // virtual time: never slept
}

TEST(MemoryTransport, ReceiveReturnsAtMostMaxBytesAndKeepsTheRest) {
  MemoryConnector c(test_config());
  auto t = open(c);
  ASSERT_TRUE(t);
  Event first = t->receive(kDeadline, 5);
  ASSERT_EQ(first.kind, Event::Kind::data);
  EXPECT_EQ(first.data, "220 h");
  Event rest = t->receive(kDeadline, 1 << 16);
  ASSERT_EQ(rest.kind, Event::Kind::data);
  EXPECT_THAT(rest.data, StartsWith("arness.localhost"));
  EXPECT_EQ(t->receive(kDeadline, 0).kind, Event::Kind::error);
}

TEST(MemoryTransport, QuitGives221ThenClosed) {
  MemoryConnector c(test_config());
  auto t = open(c);
  ASSERT_TRUE(t);
  drain(*t);
  ASSERT_TRUE(t->send("QUIT\r\n", kDeadline).is_ok());
  Event bye = t->receive(kDeadline, 1 << 16);
  ASSERT_EQ(bye.kind, Event::Kind::data);
  EXPECT_THAT(bye.data, StartsWith("221 "));
  EXPECT_EQ(t->receive(kDeadline, 1 << 16).kind, Event::Kind::closed);
  EXPECT_EQ(t->send("NOOP\r\n", kDeadline).kind, Event::Kind::closed);
  // A QUIT is no crash: the next connection works.
  EXPECT_TRUE(open(c));
}

TEST(MemoryTransport, ClosedByTheClientRefusesFurtherUse) {
  MemoryConnector c(test_config());
  auto t = open(c);
  ASSERT_TRUE(t);
  t->close();
  EXPECT_EQ(t->send("NOOP\r\n", kDeadline).kind, Event::Kind::error);
  EXPECT_EQ(t->receive(kDeadline, 10).kind, Event::Kind::error);
}

TEST(MemoryTransport, StartTlsUsesTheFixedBindings) {
  server::Config config = test_config();
  config.tls_available = true;
  MemoryConnector c(config);
  EXPECT_EQ(c.describe(), "in-process server (starttls)");
  auto t = open(c);
  ASSERT_TRUE(t);
  drain(*t);
  ASSERT_TRUE(t->send("EHLO x\r\n", kDeadline).is_ok());
  EXPECT_THAT(drain(*t), HasSubstr("STARTTLS"));
  EXPECT_EQ(t->channel_binding("tls-exporter").type, "");  // nothing before TLS
  ASSERT_TRUE(t->send("STARTTLS\r\n", kDeadline).is_ok());
  EXPECT_THAT(drain(*t), StartsWith("220 "));
  ASSERT_TRUE(t->start_tls(kDeadline).is_ok());
  EXPECT_TRUE(t->is_tls());
  EXPECT_EQ(t->tls_description(), kMemoryTlsDescription);
  EXPECT_EQ(t->channel_binding("tls-server-end-point").data, "sah-memory-tls-server-end-point!");
  EXPECT_EQ(t->channel_binding("tls-exporter").data, "sah-memory-tls-exporter-32-bytes");
  EXPECT_EQ(memory_tls_exporter().data.size(), 32u);
  auto* m = dynamic_cast<MemoryTransport*>(t.get());
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->session().tls_active());
  // RFC 3207 §4.2: a fresh EHLO inside TLS, without STARTTLS any more.
  ASSERT_TRUE(t->send("EHLO x\r\n", kDeadline).is_ok());
  const std::string ehlo = drain(*t);
  EXPECT_THAT(ehlo, StartsWith("250-"));
  EXPECT_THAT(ehlo, Not(HasSubstr("STARTTLS")));
  EXPECT_EQ(t->start_tls(kDeadline).kind, Event::Kind::error);  // already active
}

TEST(MemoryTransport, StartTlsTheServerDidNotAgreeToFails) {
  server::Config config = test_config();
  config.tls_available = true;
  MemoryConnector c(config);
  auto t = open(c);
  ASSERT_TRUE(t);
  drain(*t);
  Event e = t->start_tls(kDeadline);
  EXPECT_EQ(e.kind, Event::Kind::error);
  EXPECT_THAT(e.what, HasSubstr("the server did not start TLS"));
  EXPECT_FALSE(t->is_tls());
  EXPECT_EQ(t->send("NOOP\r\n", kDeadline).kind, Event::Kind::error);  // unusable now
}

TEST(MemoryTransport, UnreadCleartextAfter220BreaksTheHandshake) {
  server::Config config = test_config();
  config.tls_available = true;
  MemoryConnector c(config);
  auto t = open(c);
  ASSERT_TRUE(t);
  drain(*t);
  ASSERT_TRUE(t->send("EHLO x\r\n", kDeadline).is_ok());
  drain(*t);
  ASSERT_TRUE(t->send("STARTTLS\r\n", kDeadline).is_ok());
  ASSERT_EQ(t->receive(kDeadline, 3).kind, Event::Kind::data);  // "220" only; the rest unread
  Event e = t->start_tls(kDeadline);
  EXPECT_EQ(e.kind, Event::Kind::error);
  EXPECT_THAT(e.what, HasSubstr("cleartext"));
}

TEST(MemoryTransport, ImplicitTlsIsActiveBeforeTheGreeting) {
  server::Config config = test_config();
  config.implicit_tls = true;
  MemoryConnector c(config);
  EXPECT_EQ(c.tls_mode(), TlsMode::implicit);
  auto t = open(c);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_tls());
  auto* m = dynamic_cast<MemoryTransport*>(t.get());
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->session().tls_active());
  EXPECT_THAT(drain(*t), StartsWith("220 "));
  EXPECT_EQ(t->channel_binding("tls-server-end-point").data, memory_tls_server_end_point().data);
}

TEST(MemoryTransport, CrashEndsTheConnectionAndEveryLaterConnect) {
  REQUIRE_FAULT("long-line-crash");
  server::Config config = test_config();
  config.faults.insert("long-line-crash");
  MemoryConnector c(config);
  auto t = open(c);
  ASSERT_TRUE(t);
  drain(*t);
  ASSERT_TRUE(t->send("EHLO x\r\n", kDeadline).is_ok());
  drain(*t);
  ASSERT_TRUE(t->send("AUTH PLAIN " + std::string(5000, 'A') + "\r\n", kDeadline).is_ok());
  EXPECT_EQ(t->receive(kDeadline, 1 << 16).kind, Event::Kind::closed);
  EXPECT_TRUE(c.crashed());
  Event error;
  EXPECT_EQ(c.connect(kDeadline, error), nullptr);
  EXPECT_EQ(error.kind, Event::Kind::error);
  EXPECT_EQ(error.what, "connection refused (server crashed)");
  EXPECT_EQ(c.connections(), 1u);
}

TEST(MemoryTransport, HangGivesTimeoutsForever) {
  REQUIRE_FAULT("hang-on-malformed");
  server::Config config = test_config();
  config.faults.insert("hang-on-malformed");
  MemoryConnector c(config);
  auto t = open(c);
  ASSERT_TRUE(t);
  drain(*t);
  ASSERT_TRUE(t->send("EHLO x\r\nAUTH PLAIN " + codec::base64_encode("no separators") + "\r\n", kDeadline).is_ok());
  drain(*t);
  auto* m = dynamic_cast<MemoryTransport*>(t.get());
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->server_hung());
  ASSERT_TRUE(t->send("NOOP\r\n", kDeadline).is_ok());  // accepted, never answered
  for (int i = 0; i < 3; ++i) EXPECT_EQ(t->receive(kDeadline, 100).kind, Event::Kind::timeout);
  EXPECT_FALSE(c.crashed());  // a hang is not a crash: others still connect
  EXPECT_TRUE(open(c));
}

TEST(MemoryTransport, SameSeedGivesTheSameChallenges) {
  auto challenge = [](std::uint64_t seed) {
    MemoryConnector c(test_config(), seed);
    Event error;
    auto t = c.connect(kDeadline, error);
    drain(*t);
    (void)t->send("EHLO x\r\nAUTH CRAM-MD5\r\n", kDeadline);
    const std::string reply = drain(*t);
    return reply.substr(reply.find("\r\n334 "));
  };
  EXPECT_EQ(challenge(7), challenge(7));
  EXPECT_NE(challenge(7), challenge(8));
}

}  // namespace
}  // namespace sah::net
