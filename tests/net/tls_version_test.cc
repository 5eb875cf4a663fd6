// TLS version pinning (TLS-14: RFC 8314 §4.1, RFC 8996) and the implicit-TLS handshake (TLS-10:
// RFC 8314 §3.3) below the scenario language: the version names and ranges of tls_mode.h, the
// in-process transport's simulated version choice and its cleartext-greeting fault, and the TCP
// transport against the real built-in acceptor on loopback.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "harness/net/memory_transport.h"
#include "harness/net/tcp_connector.h"
#include "harness/net/tcp_transport.h"
#include "harness/net/tls_client.h"
#include "harness/net/tls_mode.h"
#include "harness/server/config.h"
#include "harness/server/faults.h"
#include "tests/server/tls_fault_drives.h"

namespace sah::net {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using V = TlsVersion;

constexpr auto kDeadline = 5000ms;
constexpr const char* kOldVersionsFault = "tls-accepts-old-versions";
constexpr const char* kCleartextGreetingFault = "implicit-tls-cleartext-greeting";

// ---- names and ranges ----------------------------------------------------------------------

TEST(TlsVersionName, ParsesTheFourNamesAndPrintsThemBack) {
  const struct {
    std::string_view text;
    V want;
  } rows[] = {{"TLSv1.0", V::tls1_0}, {"TLSv1.1", V::tls1_1}, {"TLSv1.2", V::tls1_2}, {"TLSv1.3", V::tls1_3}};
  for (const auto& row : rows) {
    const auto v = parse_tls_version(row.text);
    ASSERT_TRUE(v.has_value()) << row.text;
    EXPECT_EQ(*v, row.want) << row.text;
    EXPECT_EQ(to_string(*v), row.text) << "the name round-trips";
  }
}

TEST(TlsVersionName, RejectsEverythingElse) {
  const struct {
    std::string_view text;
    const char* why;
  } rows[] = {
      {"", "empty"},
      {"TLSv1", "OpenSSL's SSL_get_version() name for 1.0; the language always writes the minor number"},
      {"tlsv1.2", "names are case-sensitive, as OpenSSL prints them"},
      {"TLSV1.2", "upper-case V"},
      {"TLSv1.4", "no such version"},
      {"SSLv3", "SSL 3.0 is not a version a probe can pin (RFC 7568)"},
      {"1.2", "the bare number"},
      {"TLS1.2", "no 'v'"},
      {"TLSv1.2 ", "trailing blank"},
      {" TLSv1.2", "leading blank"},
      {"TLSv1.20", "a longer number"},
      {std::string_view("TLSv1.2\0", 8), "a NUL after the name"},
  };
  for (const auto& row : rows) EXPECT_FALSE(parse_tls_version(row.text).has_value()) << row.why;
}

TEST(TlsVersionRange, UnsetEndsTakeTheDefaults) {
  const struct {
    std::optional<V> min, max;
    bool pinned;
    V lowest, highest;
    bool deprecated;
    const char* why;
  } rows[] = {
      {{}, {}, false, V::tls1_2, V::tls1_3, false, "nothing pinned: TLS 1.2 to 1.3 (RFC 8996)"},
      {{}, V::tls1_1, true, V::tls1_0, V::tls1_1, true, "a max below 1.2 alone lowers the floor to 1.0"},
      {{}, V::tls1_0, true, V::tls1_0, V::tls1_0, true, "max=TLSv1.0 offers 1.0 only"},
      {{}, V::tls1_2, true, V::tls1_2, V::tls1_2, false, "a max of 1.2 keeps the 1.2 floor"},
      {{}, V::tls1_3, true, V::tls1_2, V::tls1_3, false, "max=TLSv1.3 is the default range, but pinned"},
      {V::tls1_0, {}, true, V::tls1_0, V::tls1_3, true, "min alone: up to the default 1.3"},
      {V::tls1_3, {}, true, V::tls1_3, V::tls1_3, false, "min=TLSv1.3: 1.3 only"},
      {V::tls1_1, V::tls1_1, true, V::tls1_1, V::tls1_1, true, "exactly 1.1"},
      {V::tls1_2, V::tls1_2, true, V::tls1_2, V::tls1_2, false, "exactly 1.2"},
      {V::tls1_0, V::tls1_2, true, V::tls1_0, V::tls1_2, true, "a range across the deprecation line"},
  };
  for (const auto& row : rows) {
    TlsVersionRange r;
    r.min = row.min;
    r.max = row.max;
    EXPECT_EQ(r.pinned(), row.pinned) << row.why;
    EXPECT_EQ(r.lowest(), row.lowest) << row.why;
    EXPECT_EQ(r.highest(), row.highest) << row.why;
    EXPECT_EQ(r.offers_deprecated(), row.deprecated) << row.why;
  }
}

TEST(TlsVersionRange, MinAboveMaxIsAnEmptyRange) {
  // The scenario parser refuses it; the range itself shows it as lowest > highest.
  TlsVersionRange r;
  r.min = V::tls1_3;
  r.max = V::tls1_2;
  EXPECT_GT(r.lowest(), r.highest());
  r.min = V::tls1_2;
  r.max = V::tls1_1;
  EXPECT_GT(r.lowest(), r.highest()) << "min=1.2 max=1.1";
}

TEST(TlsHandshakeFailure, RecognisesOnlyTheHandshakePrefix) {
  const struct {
    std::string_view what;
    bool want;
    const char* why;
  } rows[] = {
      {"TLS handshake failed: wrong version number", true, "the transports' failure text"},
      {"TLS handshake with x:465 did not finish within 5000 ms", true, "the connector's timeout text"},
      {"TLS handshake ", true, "the bare prefix"},
      {"TLS handshak", false, "a cut prefix"},
      {"cannot connect to 127.0.0.1:1: Connection refused", false, "a refused connection is no handshake"},
      {"tls handshake failed", false, "case matters"},
      {" TLS handshake failed", false, "the prefix must start the text"},
      {"", false, "empty"},
  };
  for (const auto& row : rows) EXPECT_EQ(is_tls_handshake_failure(row.what), row.want) << row.why;
}

// ---- the in-process transport --------------------------------------------------------------

server::Config memory_config(std::initializer_list<const char*> faults = {}) {
  server::Config c;
  c.accounts.push_back({"alice", "wonderland", {}});
  c.tls_available = true;
  for (const char* f : faults) c.faults.insert(f);
  return c;
}

std::string drain(Transport& t) {
  std::string got;
  for (;;) {
    Event e = t.receive(kDeadline, 1 << 16);
    if (e.kind != Event::Kind::data) return got;
    got += e.data;
  }
}

// A STARTTLS connection up to the 220, then the handshake with `versions` pinned.
struct MemoryHandshake {
  std::unique_ptr<Transport> transport;
  Event result;
};

MemoryHandshake memory_starttls(MemoryConnector& c, const TlsVersionRange& versions) {
  MemoryHandshake h;
  Event error;
  h.transport = c.connect(kDeadline, error);
  EXPECT_TRUE(h.transport) << error.what;
  if (!h.transport) return h;
  drain(*h.transport);
  EXPECT_TRUE(h.transport->send("EHLO x\r\n", kDeadline).is_ok());
  drain(*h.transport);
  EXPECT_TRUE(h.transport->send("STARTTLS\r\n", kDeadline).is_ok());
  EXPECT_THAT(drain(*h.transport), StartsWith("220 "));
  auto* pin = dynamic_cast<TlsVersionPinning*>(h.transport.get());
  EXPECT_NE(pin, nullptr) << "the memory transport can pin versions";
  if (pin != nullptr) pin->pin_tls_versions(versions);
  h.result = h.transport->start_tls(kDeadline);
  return h;
}

TlsVersionRange range(std::optional<V> min, std::optional<V> max) {
  TlsVersionRange r;
  r.min = min;
  r.max = max;
  return r;
}

void require_faults() {
  for (const char* f : {kOldVersionsFault, kCleartextGreetingFault})
    ASSERT_NE(server::find_fault(f), nullptr) << "the server has no fault " << f;
}

TEST(MemoryTlsVersion, LowestVersionFollowsTheFault) {
  require_faults();
  EXPECT_EQ(memory_tls_lowest_version(memory_config()), V::tls1_2);
  EXPECT_EQ(memory_tls_lowest_version(memory_config({kOldVersionsFault})), V::tls1_0);
  EXPECT_EQ(memory_tls_lowest_version(memory_config({kCleartextGreetingFault})), V::tls1_2)
      << "another TLS fault does not lower the floor";
}

TEST(MemoryTlsVersion, DescriptionNamesTheVersion) {
  EXPECT_EQ(memory_tls_description(V::tls1_3), kMemoryTlsDescription);
  EXPECT_EQ(memory_tls_description(V::tls1_2), "TLSv1.2 (in-process, simulated)");
  EXPECT_EQ(memory_tls_description(V::tls1_1), "TLSv1.1 (in-process, simulated)");
  EXPECT_EQ(memory_tls_description(V::tls1_0), "TLSv1.0 (in-process, simulated)");
}

TEST(MemoryTlsVersion, CorrectServerRefusesDeprecatedVersions) {
  require_faults();
  const struct {
    TlsVersionRange versions;
    const char* why;
  } rows[] = {
      {range({}, V::tls1_1), "max=TLSv1.1 offers 1.0 and 1.1 only"},
      {range({}, V::tls1_0), "max=TLSv1.0"},
      {range(V::tls1_1, V::tls1_1), "exactly 1.1"},
  };
  for (const auto& row : rows) {
    MemoryConnector c(memory_config());
    MemoryHandshake h = memory_starttls(c, row.versions);
    ASSERT_TRUE(h.transport) << row.why;
    EXPECT_EQ(h.result.kind, Event::Kind::closed) << row.why << ": " << h.result.what;
    EXPECT_THAT(h.result.what, HasSubstr("protocol_version")) << row.why;
    EXPECT_THAT(h.result.what, HasSubstr("the server needs TLSv1.2 or newer")) << row.why;
    EXPECT_FALSE(h.transport->is_tls()) << row.why;
    EXPECT_EQ(h.transport->tls_description(), "") << row.why;
    // RFC 8446 §6: after the alert the server closes; later reads see the close.
    EXPECT_EQ(h.transport->receive(kDeadline, 100).kind, Event::Kind::closed) << row.why;
    auto* m = dynamic_cast<MemoryTransport*>(h.transport.get());
    ASSERT_NE(m, nullptr);
    EXPECT_FALSE(m->session().tls_active()) << row.why;
  }
}

TEST(MemoryTlsVersion, CorrectServerNegotiatesTheHighestCommonVersion) {
  const struct {
    TlsVersionRange versions;
    const char* description;
    const char* why;
  } rows[] = {
      {range({}, {}), "TLSv1.3 (in-process, simulated)", "unpinned: the default range"},
      {range(V::tls1_2, V::tls1_2), "TLSv1.2 (in-process, simulated)", "exactly 1.2"},
      {range({}, V::tls1_2), "TLSv1.2 (in-process, simulated)", "max=TLSv1.2"},
      {range(V::tls1_3, {}), "TLSv1.3 (in-process, simulated)", "min=TLSv1.3"},
      {range(V::tls1_0, {}), "TLSv1.3 (in-process, simulated)", "a low min still gets the highest version"},
  };
  for (const auto& row : rows) {
    MemoryConnector c(memory_config());
    MemoryHandshake h = memory_starttls(c, row.versions);
    ASSERT_TRUE(h.transport) << row.why;
    EXPECT_TRUE(h.result.is_ok()) << row.why << ": " << h.result.what;
    EXPECT_TRUE(h.transport->is_tls()) << row.why;
    EXPECT_EQ(h.transport->tls_description(), row.description) << row.why;
  }
}

TEST(MemoryTlsVersion, UnderTheFaultDeprecatedVersionsAreAccepted) {
  require_faults();
  const struct {
    TlsVersionRange versions;
    const char* description;
    const char* why;
  } rows[] = {
      {range({}, V::tls1_1), "TLSv1.1 (in-process, simulated)", "max=TLSv1.1: the highest offered"},
      {range(V::tls1_0, V::tls1_0), "TLSv1.0 (in-process, simulated)", "exactly 1.0"},
      {range({}, {}), "TLSv1.3 (in-process, simulated)", "a default client still gets 1.3"},
  };
  for (const auto& row : rows) {
    MemoryConnector c(memory_config({kOldVersionsFault}));
    MemoryHandshake h = memory_starttls(c, row.versions);
    ASSERT_TRUE(h.transport) << row.why;
    ASSERT_TRUE(h.result.is_ok()) << row.why << ": " << h.result.what;
    EXPECT_TRUE(h.transport->is_tls()) << row.why;
    EXPECT_EQ(h.transport->tls_description(), row.description) << row.why;
    // The session really is in TLS: a fresh EHLO no longer offers STARTTLS (RFC 3207 §4.2).
    ASSERT_TRUE(h.transport->send("EHLO x\r\n", kDeadline).is_ok());
    const std::string ehlo = drain(*h.transport);
    EXPECT_THAT(ehlo, StartsWith("250-")) << row.why;
    EXPECT_THAT(ehlo, Not(HasSubstr("STARTTLS"))) << row.why;
  }
}

TEST(MemoryTlsVersion, APinAppliesToItsOwnConnectionOnly) {
  require_faults();
  MemoryConnector c(memory_config({kOldVersionsFault}));
  MemoryHandshake pinned = memory_starttls(c, range({}, V::tls1_1));
  ASSERT_TRUE(pinned.result.is_ok()) << pinned.result.what;
  EXPECT_EQ(pinned.transport->tls_description(), "TLSv1.1 (in-process, simulated)");
  MemoryHandshake next = memory_starttls(c, TlsVersionRange{});
  ASSERT_TRUE(next.result.is_ok()) << next.result.what;
  EXPECT_EQ(next.transport->tls_description(), kMemoryTlsDescription) << "a new connection offers the default";
}

TEST(MemoryTlsVersion, ImplicitHandshakeHonoursThePin) {
  // The connector opens at once, so the pin is set on a transport opened by hand.
  require_faults();
  for (const bool fault : {false, true}) {
    server::Config config = fault ? memory_config({kOldVersionsFault}) : memory_config();
    config.implicit_tls = true;
    auto server = std::make_shared<MemoryServer>(config, 1);
    MemoryTransport t(server);
    t.pin_tls_versions(range({}, V::tls1_1));
    const Event e = t.open(TlsMode::implicit);
    if (fault) {
      ASSERT_TRUE(e.is_ok()) << e.what;
      EXPECT_TRUE(t.is_tls());
      EXPECT_EQ(t.tls_description(), "TLSv1.1 (in-process, simulated)");
      EXPECT_THAT(drain(t), StartsWith("220 ")) << "the greeting comes inside TLS";
    } else {
      EXPECT_EQ(e.kind, Event::Kind::closed) << e.what;
      EXPECT_THAT(e.what, HasSubstr("protocol_version"));
      EXPECT_FALSE(t.is_tls());
      EXPECT_EQ(drain(t), "") << "no greeting after a refused handshake";
    }
  }
}

TEST(MemoryImplicitTls, CorrectServerHandshakesBeforeTheGreeting) {
  server::Config config = memory_config();
  config.implicit_tls = true;
  MemoryConnector c(config);
  Event error;
  auto t = c.connect(kDeadline, error);
  ASSERT_TRUE(t) << error.what;
  EXPECT_TRUE(t->is_tls());
  EXPECT_EQ(t->tls_description(), kMemoryTlsDescription);
  EXPECT_THAT(drain(*t), StartsWith("220 "));
}

TEST(MemoryImplicitTls, CleartextGreetingFailsTheHandshake) {
  require_faults();
  server::Config config = memory_config({kCleartextGreetingFault});
  config.implicit_tls = true;
  MemoryConnector c(config);
  Event error;
  auto t = c.connect(kDeadline, error);
  EXPECT_FALSE(t) << "no connection comes back from a failed implicit handshake";
  EXPECT_EQ(error.kind, Event::Kind::error);
  EXPECT_TRUE(is_tls_handshake_failure(error.what)) << error.what;
  EXPECT_THAT(error.what, HasSubstr("cleartext"));
  EXPECT_THAT(error.what, HasSubstr("\"220")) << "the first octets of the cleartext greeting are named";
  // The server was reached: the attempt counts as a connection, and the next one fails alike.
  Event again;
  EXPECT_FALSE(c.connect(kDeadline, again));
  EXPECT_TRUE(is_tls_handshake_failure(again.what)) << again.what;
}

TEST(MemoryImplicitTls, CleartextGreetingFaultLeavesStarttlsAlone) {
  // The fault is about the implicit-TLS port; on a STARTTLS port the greeting is cleartext anyway.
  require_faults();
  MemoryConnector c(memory_config({kCleartextGreetingFault}));
  MemoryHandshake h = memory_starttls(c, TlsVersionRange{});
  ASSERT_TRUE(h.transport);
  EXPECT_TRUE(h.result.is_ok()) << h.result.what;
  EXPECT_TRUE(h.transport->is_tls());
}

// ---- the TCP transport against the built-in acceptor ---------------------------------------

// The built-in server on 127.0.0.1 with STARTTLS (or implicit TLS) and `faults`.
std::unique_ptr<server::Acceptor> start_acceptor(std::initializer_list<const char*> faults, bool implicit = false) {
  server::Config config;
  config.accounts.push_back({"alice", "wonderland", {}});
  config.tls_available = !implicit;
  config.implicit_tls = implicit;
  for (const char* f : faults) config.faults.insert(f);
  return server::tls_drives::start_server(config);
}

// Reads one whole reply: up to a final line "ddd " ending in CRLF.
std::string read_reply(Transport& t) {
  std::string got;
  for (;;) {
    Event e = t.receive(kDeadline, 4096);
    if (e.kind != Event::Kind::data) return got + "<" + std::string(to_string(e.kind)) + ">";
    got += e.data;
    if (got.size() < 2 || got.compare(got.size() - 2, 2, "\r\n") != 0) continue;
    const auto start = got.rfind("\r\n", got.size() - 3);
    const std::string last = got.substr(start == std::string::npos ? 0 : start + 2);
    if (last.size() >= 4 && last[3] == ' ') return got;
  }
}

// A STARTTLS connection to `port` up to the 220, then the handshake with `versions`.
struct TcpHandshake {
  std::unique_ptr<TcpTransport> transport;
  Event result;
};

TcpHandshake tcp_starttls(std::uint16_t port, std::shared_ptr<boost::asio::ssl::context> ctx,
                          const TlsVersionRange& versions) {
  TcpHandshake h;
  h.transport = std::make_unique<TcpTransport>(std::move(ctx), "127.0.0.1");
  Event e = h.transport->connect(port, kDeadline);
  EXPECT_TRUE(e.is_ok()) << e.what;
  EXPECT_THAT(read_reply(*h.transport), StartsWith("220 "));
  EXPECT_TRUE(h.transport->send("EHLO x\r\n", kDeadline).is_ok());
  EXPECT_THAT(read_reply(*h.transport), HasSubstr("STARTTLS"));
  EXPECT_TRUE(h.transport->send("STARTTLS\r\n", kDeadline).is_ok());
  EXPECT_THAT(read_reply(*h.transport), StartsWith("220 "));
  h.transport->pin_tls_versions(versions);
  h.result = h.transport->start_tls(kDeadline);
  return h;
}

std::shared_ptr<boost::asio::ssl::context> client_context() {
  auto ctx = make_client_context(TlsOptions{});
  EXPECT_TRUE(ctx.ok());
  return ctx.ok() ? ctx.value() : nullptr;
}

TEST(TcpTlsVersion, CorrectServerRefusesTls11) {
  require_faults();
  auto server = start_acceptor({});
  ASSERT_TRUE(server) << "the built-in server did not start";
  TcpHandshake h = tcp_starttls(server->port(), client_context(), range({}, V::tls1_1));
  // A protocol_version alert (RFC 8446 §4.2.1 / RFC 5246 App. E), then the server closes.
  EXPECT_EQ(h.result.kind, Event::Kind::closed) << h.result.what;
  EXPECT_THAT(h.result.what, HasSubstr("the server refused the TLS handshake"));
  EXPECT_THAT(h.result.what, HasSubstr("protocol version"));
  EXPECT_FALSE(h.transport->is_tls());
  EXPECT_EQ(h.transport->tls_description(), "");
  EXPECT_EQ(h.transport->receive(kDeadline, 100).kind, Event::Kind::closed) << "later reads report the close";
}

TEST(TcpTlsVersion, UnderTheFaultTls11IsNegotiated) {
  require_faults();
  auto server = start_acceptor({kOldVersionsFault});
  ASSERT_TRUE(server) << "the built-in server did not start";
  TcpHandshake h = tcp_starttls(server->port(), client_context(), range({}, V::tls1_1));
  ASSERT_TRUE(h.result.is_ok()) << to_string(h.result.kind) << " " << h.result.what;
  EXPECT_TRUE(h.transport->is_tls());
  EXPECT_THAT(h.transport->tls_description(), StartsWith("TLSv1.1 "));
  // The session works over it: RFC 3207 §4.2, a fresh EHLO without STARTTLS.
  ASSERT_TRUE(h.transport->send("EHLO x\r\n", kDeadline).is_ok());
  const std::string ehlo = read_reply(*h.transport);
  EXPECT_THAT(ehlo, StartsWith("250-"));
  EXPECT_THAT(ehlo, Not(HasSubstr("STARTTLS")));
}

TEST(TcpTlsVersion, APinAppliesToThatHandshakeOnly) {
  require_faults();
  auto server = start_acceptor({kOldVersionsFault});
  ASSERT_TRUE(server) << "the built-in server did not start";
  auto ctx = client_context();
  ASSERT_TRUE(ctx);
  SSL_CTX* shared = ctx->native_handle();
  const long min_before = SSL_CTX_get_min_proto_version(shared);
  const int level_before = SSL_CTX_get_security_level(shared);
  ASSERT_EQ(min_before, TLS1_2_VERSION) << "the client context's floor (RFC 8996)";

  TcpHandshake old = tcp_starttls(server->port(), ctx, range(V::tls1_0, V::tls1_0));
  ASSERT_TRUE(old.result.is_ok()) << old.result.what;
  EXPECT_THAT(old.transport->tls_description(), StartsWith("TLSv1 ")) << "OpenSSL's name for TLS 1.0";
  // The pin and the lowered security level stayed on that connection's SSL object.
  EXPECT_EQ(SSL_CTX_get_min_proto_version(shared), min_before);
  EXPECT_EQ(SSL_CTX_get_security_level(shared), level_before);

  TcpHandshake fresh = tcp_starttls(server->port(), ctx, TlsVersionRange{});
  ASSERT_TRUE(fresh.result.is_ok()) << fresh.result.what;
  EXPECT_THAT(fresh.transport->tls_description(), StartsWith("TLSv1.3 ")) << "the next connection offers the default";

  TcpHandshake twelve = tcp_starttls(server->port(), ctx, range(V::tls1_2, V::tls1_2));
  ASSERT_TRUE(twelve.result.is_ok()) << twelve.result.what;
  EXPECT_THAT(twelve.transport->tls_description(), StartsWith("TLSv1.2 "));
}

TEST(TcpImplicitTls, CorrectServerHandshakesFirst) {
  require_faults();
  auto server = start_acceptor({}, true);
  ASSERT_TRUE(server) << "the built-in server did not start";
  TcpConnector c(TcpTarget{"127.0.0.1", server->port(), TlsMode::implicit, {}});
  Event error;
  auto t = c.connect(kDeadline, error);
  ASSERT_TRUE(t) << error.what;
  EXPECT_TRUE(t->is_tls());
  EXPECT_THAT(read_reply(*t), StartsWith("220 "));
}

TEST(TcpImplicitTls, CleartextGreetingIsAHandshakeFailure) {
  require_faults();
  auto server = start_acceptor({kCleartextGreetingFault}, true);
  ASSERT_TRUE(server) << "the built-in server did not start";
  TcpConnector c(TcpTarget{"127.0.0.1", server->port(), TlsMode::implicit, {}});
  Event error;
  auto t = c.connect(kDeadline, error);
  EXPECT_FALSE(t);
  // OpenSSL reads "220 " as a TLS record header: not a close by the server but a failed
  // handshake, which the connection layer tells from a refused connection by the prefix.
  EXPECT_EQ(error.kind, Event::Kind::error) << error.what;
  EXPECT_TRUE(is_tls_handshake_failure(error.what)) << error.what;
}

TEST(TcpImplicitTls, RefusedConnectionIsNoHandshakeFailure) {
  // A port nobody listens on: bound then released by a server we stop at once.
  std::uint16_t port = 0;
  {
    auto server = start_acceptor({}, true);
    ASSERT_TRUE(server) << "the built-in server did not start";
    port = server->port();
  }
  TcpConnector c(TcpTarget{"127.0.0.1", port, TlsMode::implicit, {}});
  Event error;
  EXPECT_FALSE(c.connect(kDeadline, error));
  EXPECT_EQ(error.kind, Event::Kind::error);
  EXPECT_FALSE(is_tls_handshake_failure(error.what)) << error.what;
}

}  // namespace
}  // namespace sah::net
