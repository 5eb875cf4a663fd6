// The TCP transport against tiny in-test servers on 127.0.0.1: deadlines, size bounds, refused
// connections, cleartext, STARTTLS and implicit TLS, and the channel bindings of both ends.
#include "harness/net/tcp_transport.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/net/tcp_connector.h"
#include "tests/net/loopback_server.h"

namespace sah::net {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::LoopbackServer;
using testing::ServerConn;

constexpr auto kDeadline = 5000ms;
// Sanitizers and a shared machine make scheduling slow; a bound still has to be a bound.
constexpr auto kSlack = 1500ms;

using Clock = std::chrono::steady_clock;

std::unique_ptr<Transport> connect_to(std::uint16_t port, TlsMode mode = TlsMode::none, TlsOptions opts = {},
                                      std::string host = "127.0.0.1") {
  TcpTarget t{std::move(host), port, mode, std::move(opts)};
  TcpConnector c(t);
  Event error;
  auto transport = c.connect(kDeadline, error);
  EXPECT_TRUE(transport) << error.what;
  return transport;
}

// Reads until `want` has arrived (or anything else ends the wait).
std::string read_until(Transport& t, std::string_view want) {
  std::string got;
  while (got.find(want) == std::string::npos) {
    Event e = t.receive(kDeadline, 4096);
    if (e.kind != Event::Kind::data) break;
    got += e.data;
  }
  return got;
}

// An SMTP-ish server: greeting, "250 <line>" echo, STARTTLS (220 then handshake), QUIT.
struct SmtpIsh {
  explicit SmtpIsh(std::shared_ptr<testing::ssl::context> t = nullptr, bool i = false) : tls(std::move(t)), implicit(i) {}

  std::shared_ptr<testing::ssl::context> tls;  // null: STARTTLS refused
  bool implicit = false;
  // Filled by the server thread; read after join().
  std::string end_point;
  std::string exporter;

  void operator()(ServerConn& c) {
    if (implicit) {
      if (!c.handshake(*tls)) return;
      record(c);
    }
    c.write("220 loopback ESMTP\r\n");
    while (auto line = c.read_line()) {
      if (*line == "QUIT") {
        c.write("221 bye\r\n");
        return;
      }
      if (*line == "STARTTLS" && tls) {
        c.write("220 2.0.0 go ahead\r\n");
        if (!c.handshake(*tls)) return;
        record(c);
        continue;
      }
      c.write("250 " + *line + "\r\n");
    }
  }
  void record(ServerConn& c) {
    end_point = testing::expected_end_point(SSL_get_certificate(c.ssl()));
    exporter = testing::server_exporter(c.ssl());
  }
};

TEST(TcpTransport, ReceivesTheGreetingAndEchoesALine) {
  SmtpIsh smtp;
  LoopbackServer server([&](ServerConn& c) { smtp(c); });
  auto t = connect_to(server.port());
  ASSERT_TRUE(t);
  EXPECT_EQ(read_until(*t, "\r\n"), "220 loopback ESMTP\r\n");
  ASSERT_TRUE(t->send("EHLO client\r\n", kDeadline).is_ok());
  EXPECT_EQ(read_until(*t, "\r\n"), "250 EHLO client\r\n");
  EXPECT_FALSE(t->is_tls());
  EXPECT_EQ(t->tls_description(), "");
  EXPECT_EQ(t->channel_binding("tls-server-end-point").type, "");
}

TEST(TcpTransport, SilentServerGivesTimeoutWithinTheDeadline) {
  LoopbackServer server([](ServerConn& c) { c.drain(); });
  auto t = connect_to(server.port());
  ASSERT_TRUE(t);
  const auto start = Clock::now();
  Event e = t->receive(300ms, 4096);
  const auto took = Clock::now() - start;
  EXPECT_EQ(e.kind, Event::Kind::timeout);
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 300ms + kSlack);
}

TEST(TcpTransport, DataAfterATimeoutIsStillReceived) {
  LoopbackServer server([](ServerConn& c) {
    (void)c.read_line();  // waits for "go"
    c.write("late\r\n");
    (void)c.read_line();
  });
  auto t = connect_to(server.port());
  ASSERT_TRUE(t);
  EXPECT_EQ(t->receive(100ms, 4096).kind, Event::Kind::timeout);
  ASSERT_TRUE(t->send("go\r\n", kDeadline).is_ok());
  EXPECT_EQ(read_until(*t, "\r\n"), "late\r\n");
}

TEST(TcpTransport, FloodingServerIsReadInChunksOfAtMostMaxBytes) {
  LoopbackServer server([](ServerConn& c) {
    const std::string block(64 * 1024, 'x');
    while (c.write(block)) {
    }
  });
  auto t = connect_to(server.port());
  ASSERT_TRUE(t);
  std::size_t total = 0;
  for (int i = 0; i < 50; ++i) {
    Event e = t->receive(kDeadline, 100);
    ASSERT_EQ(e.kind, Event::Kind::data);
    ASSERT_GE(e.data.size(), 1u);
    ASSERT_LE(e.data.size(), 100u);
    total += e.data.size();
  }
  EXPECT_GE(total, 50u);
  // A huge max_bytes is capped to the transport's chunk size.
  Event big = t->receive(kDeadline, std::size_t{1} << 40);
  ASSERT_EQ(big.kind, Event::Kind::data);
  EXPECT_LE(big.data.size(), TcpTransport::kMaxChunk);
  t->close();
}

TEST(TcpTransport, ServerClosingGivesClosed) {
  LoopbackServer server([](ServerConn& c) { c.write("421 going away\r\n"); });
  auto t = connect_to(server.port());
  ASSERT_TRUE(t);
  EXPECT_EQ(read_until(*t, "\r\n"), "421 going away\r\n");
  EXPECT_EQ(t->receive(kDeadline, 4096).kind, Event::Kind::closed);
}

TEST(TcpTransport, RefusedPortGivesAnError) {
  std::uint16_t port = 0;
  {
    testing::asio::io_context io;
    testing::tcp::acceptor a(io, testing::tcp::endpoint(testing::asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed again: nothing listens on `port`
  TcpConnector c(TcpTarget{"127.0.0.1", port, TlsMode::none, {}});
  Event error;
  EXPECT_EQ(c.connect(kDeadline, error), nullptr);
  EXPECT_EQ(error.kind, Event::Kind::error);
  EXPECT_THAT(error.what, HasSubstr("cannot connect to 127.0.0.1:" + std::to_string(port)));
  EXPECT_THAT(error.what, HasSubstr("refused"));
}

TEST(TcpTransport, UnresolvableNameGivesAnError) {
  // RFC 6761 §6.4: names under .invalid never resolve.
  TcpConnector c(TcpTarget{"no-such-host.invalid", 25, TlsMode::none, {}});
  Event error;
  const auto start = Clock::now();
  EXPECT_EQ(c.connect(2000ms, error), nullptr);
  EXPECT_LT(Clock::now() - start, 2000ms + kSlack);
  EXPECT_EQ(error.kind, Event::Kind::error);
  EXPECT_THAT(error.what, StartsWith("cannot resolve no-such-host.invalid"));
}

TEST(TcpTransport, SendAndReceiveAfterCloseAreErrors) {
  SmtpIsh smtp;
  LoopbackServer server([&](ServerConn& c) { smtp(c); });
  auto t = connect_to(server.port());
  ASSERT_TRUE(t);
  t->close();
  t->close();  // idempotent
  EXPECT_EQ(t->send("NOOP\r\n", kDeadline).kind, Event::Kind::error);
  EXPECT_EQ(t->receive(kDeadline, 10).kind, Event::Kind::error);
  EXPECT_EQ(t->receive(kDeadline, 0).kind, Event::Kind::error);
}

TEST(TcpTransport, ImplicitTlsShakesHandsBeforeTheGreeting) {
  const auto cert = testing::make_cert(EVP_sha256());
  SmtpIsh smtp(testing::server_context(cert), true);
  LoopbackServer server([&](ServerConn& c) { smtp(c); });
  auto t = connect_to(server.port(), TlsMode::implicit);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_tls());
  EXPECT_THAT(t->tls_description(), StartsWith("TLSv1.3 "));
  EXPECT_EQ(read_until(*t, "\r\n"), "220 loopback ESMTP\r\n");
  ASSERT_TRUE(t->send("QUIT\r\n", kDeadline).is_ok());
  EXPECT_EQ(read_until(*t, "\r\n"), "221 bye\r\n");
}

TEST(TcpTransport, StartTlsUpgradesTheConnection) {
  const auto cert = testing::make_cert(EVP_sha256());
  SmtpIsh smtp(testing::server_context(cert));
  LoopbackServer server([&](ServerConn& c) { smtp(c); });
  auto t = connect_to(server.port(), TlsMode::starttls);
  ASSERT_TRUE(t);
  EXPECT_EQ(read_until(*t, "\r\n"), "220 loopback ESMTP\r\n");
  EXPECT_FALSE(t->is_tls());
  ASSERT_TRUE(t->send("STARTTLS\r\n", kDeadline).is_ok());
  EXPECT_EQ(read_until(*t, "\r\n"), "220 2.0.0 go ahead\r\n");
  ASSERT_TRUE(t->start_tls(kDeadline).is_ok());
  EXPECT_TRUE(t->is_tls());
  EXPECT_EQ(t->start_tls(kDeadline).kind, Event::Kind::error);  // only once
  ASSERT_TRUE(t->send("EHLO inside\r\n", kDeadline).is_ok());
  EXPECT_EQ(read_until(*t, "\r\n"), "250 EHLO inside\r\n");
  // Timeouts inside TLS leave the session usable.
  EXPECT_EQ(t->receive(100ms, 4096).kind, Event::Kind::timeout);
  ASSERT_TRUE(t->send("NOOP\r\n", kDeadline).is_ok());
  EXPECT_EQ(read_until(*t, "\r\n"), "250 NOOP\r\n");
}

TEST(TcpTransport, HandshakeWithASilentServerTimesOut) {
  LoopbackServer server([](ServerConn& c) { c.drain(); });
  TcpConnector c(TcpTarget{"127.0.0.1", server.port(), TlsMode::implicit, {}});
  Event error;
  const auto start = Clock::now();
  EXPECT_EQ(c.connect(300ms, error), nullptr);
  const auto took = Clock::now() - start;
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 300ms + kSlack);
  EXPECT_EQ(error.kind, Event::Kind::error);
  EXPECT_THAT(error.what, HasSubstr("TLS handshake with 127.0.0.1:" + std::to_string(server.port()) +
                                    " (implicit) did not finish within 300 ms"));
  server.stop();
}

TEST(TcpTransport, StartTlsTimeoutMakesTheConnectionUnusable) {
  LoopbackServer server([](ServerConn& c) { c.drain(); });
  auto t = connect_to(server.port(), TlsMode::starttls);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->start_tls(200ms).kind, Event::Kind::timeout);
  EXPECT_FALSE(t->is_tls());
  Event e = t->send("NOOP\r\n", kDeadline);
  EXPECT_EQ(e.kind, Event::Kind::error);
  EXPECT_THAT(e.what, HasSubstr("TLS handshake did not finish within 200 ms"));
  server.stop();
}

TEST(TcpTransport, PeerThatStopsReadingMakesSendTimeOut) {
  LoopbackServer server([](ServerConn& c) {
    testing::error_code ec;
    c.socket().wait(testing::tcp::socket::wait_error, ec);  // never reads; ends on stop()
  });
  auto t = connect_to(server.port());
  ASSERT_TRUE(t);
  // Socket buffers hold a few MiB at most on loopback; 64 MiB cannot fit.
  const std::string big(64 * 1024 * 1024, 'y');
  const auto start = Clock::now();
  Event e = t->send(big, 300ms);
  const auto took = Clock::now() - start;
  EXPECT_EQ(e.kind, Event::Kind::timeout);
  EXPECT_LT(took, 300ms + kSlack);
  server.stop();
}

TEST(TcpTransport, HandshakeWithACleartextServerFails) {
  LoopbackServer server([](ServerConn& c) {
    c.write("220 not TLS at all\r\n");
    (void)c.read_line();
  });
  TcpConnector c(TcpTarget{"127.0.0.1", server.port(), TlsMode::implicit, {}});
  Event error;
  EXPECT_EQ(c.connect(kDeadline, error), nullptr);
  EXPECT_EQ(error.kind, Event::Kind::error);
  EXPECT_THAT(error.what, StartsWith("TLS handshake failed: "));
  server.stop();
}

TEST(TcpTransport, VerificationAgainstTheRightCaFileSucceeds) {
  const auto cert = testing::make_cert(EVP_sha256());
  const std::string ca = ::testing::TempDir() + "sah-net-ca.pem";
  std::ofstream(ca) << cert.pem;
  SmtpIsh smtp(testing::server_context(cert), true);
  LoopbackServer server([&](ServerConn& c) { smtp(c); });
  auto t = connect_to(server.port(), TlsMode::implicit, TlsOptions{false, ca});
  std::remove(ca.c_str());
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_tls());
}

TEST(TcpTransport, VerificationWithoutTrustFailsWithTheReason) {
  const auto cert = testing::make_cert(EVP_sha256());
  const auto other = testing::make_cert(EVP_sha256());  // a different self-signed CA
  const std::string ca = ::testing::TempDir() + "sah-net-other-ca.pem";
  std::ofstream(ca) << other.pem;
  SmtpIsh smtp(testing::server_context(cert), true);
  LoopbackServer server([&](ServerConn& c) { smtp(c); });
  TcpConnector c(TcpTarget{"127.0.0.1", server.port(), TlsMode::implicit, TlsOptions{false, ca}});
  Event error;
  EXPECT_EQ(c.connect(kDeadline, error), nullptr);
  std::remove(ca.c_str());
  EXPECT_EQ(error.kind, Event::Kind::error);
  EXPECT_THAT(error.what, HasSubstr("certificate verify failed"));
}

TEST(TcpTransport, MissingCaFileIsReportedOnConnect) {
  TcpConnector c(TcpTarget{"127.0.0.1", 1, TlsMode::implicit, TlsOptions{false, "/nonexistent/ca.pem"}});
  Event error;
  EXPECT_EQ(c.connect(kDeadline, error), nullptr);
  EXPECT_THAT(error.what, HasSubstr("cannot load CA file /nonexistent/ca.pem"));
}

// Channel bindings: the client's view equals the server's, computed with the test's own code.
struct BindingCase {
  const char* why;
  const EVP_MD* (*md)();
  std::size_t end_point_size;
};

class TcpChannelBinding : public ::testing::TestWithParam<BindingCase> {};

TEST_P(TcpChannelBinding, BothEndsAgree) {
  const auto cert = testing::make_cert(GetParam().md());
  SmtpIsh smtp(testing::server_context(cert), true);
  LoopbackServer server([&](ServerConn& c) { smtp(c); });
  auto t = connect_to(server.port(), TlsMode::implicit);
  ASSERT_TRUE(t);
  const auto ep = t->channel_binding("tls-server-end-point");
  const auto ex = t->channel_binding("tls-exporter");
  EXPECT_EQ(t->channel_binding("tls-unique").type, "");  // not offered
  t->close();
  server.join();
  EXPECT_EQ(ep.type, "tls-server-end-point");
  EXPECT_EQ(ep.data.size(), GetParam().end_point_size) << GetParam().why;
  EXPECT_EQ(ep.data, smtp.end_point);
  EXPECT_EQ(ex.type, "tls-exporter");
  EXPECT_EQ(ex.data.size(), 32u);
  EXPECT_EQ(ex.data, smtp.exporter);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5929, TcpChannelBinding,
    ::testing::Values(BindingCase{"SHA-256 signature: SHA-256", &EVP_sha256, 32},
                      BindingCase{"SHA-384 signature: the stronger hash is used", &EVP_sha384, 48},
                      BindingCase{"SHA-1 signature: replaced by SHA-256 (RFC 5929 §4.1)", &EVP_sha1, 32}));

TEST(TcpTransport, ExporterIsEmptyOnTls12) {
  const auto cert = testing::make_cert(EVP_sha256());
  SmtpIsh smtp(testing::server_context(cert, TLS1_2_VERSION), true);
  LoopbackServer server([&](ServerConn& c) { smtp(c); });
  auto t = connect_to(server.port(), TlsMode::implicit);
  ASSERT_TRUE(t);
  EXPECT_THAT(t->tls_description(), StartsWith("TLSv1.2 "));
  const auto ex = t->channel_binding("tls-exporter");
  EXPECT_EQ(ex.type, "tls-exporter");
  EXPECT_TRUE(ex.data.empty());
  // tls-server-end-point works on every version.
  EXPECT_EQ(t->channel_binding("tls-server-end-point").data, testing::expected_end_point(cert.cert.get()));
}

TEST(TcpConnector, DescribesTheTarget) {
  EXPECT_EQ(TcpConnector(TcpTarget{"127.0.0.1", 2525, TlsMode::starttls, {}}).describe(), "127.0.0.1:2525 (starttls)");
  EXPECT_EQ(TcpConnector(TcpTarget{"::1", 465, TlsMode::implicit, {}}).describe(), "[::1]:465 (implicit)");
  EXPECT_EQ(TcpConnector(TcpTarget{"mx.example", 25, TlsMode::none, {}}).describe(), "mx.example:25");
}

struct ParseCase {
  const char* why;
  const char* text;
  bool ok;
  const char* host;
  std::uint16_t port;
};

class ParseHostPort : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseHostPort, Parses) {
  const ParseCase& p = GetParam();
  auto r = parse_host_port(p.text);
  ASSERT_EQ(r.ok(), p.ok) << p.why;
  if (!p.ok) return;
  EXPECT_EQ(r->host, p.host) << p.why;
  EXPECT_EQ(r->port, p.port) << p.why;
}

INSTANTIATE_TEST_SUITE_P(
    Targets, ParseHostPort,
    ::testing::Values(ParseCase{"address and port", "127.0.0.1:2525", true, "127.0.0.1", 2525},
                      ParseCase{"name and port", "mail.example:587", true, "mail.example", 587},
                      ParseCase{"IPv6 in brackets", "[::1]:25", true, "::1", 25},
                      ParseCase{"IPv6 without brackets is ambiguous", "::1:25", false, "", 0},
                      ParseCase{"no port", "127.0.0.1", false, "", 0},
                      ParseCase{"port 0 cannot be connected to", "h:0", false, "", 0},
                      ParseCase{"port too large", "h:65536", false, "", 0},
                      ParseCase{"port not a number", "h:smtp", false, "", 0},
                      ParseCase{"empty host", ":25", false, "", 0}));

}  // namespace
}  // namespace sah::net
