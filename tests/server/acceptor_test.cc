// The acceptor on a real loopback socket: an in-process server on port 0 and a plain Asio
// client (cleartext, STARTTLS, implicit TLS), deadlines, many concurrent connections, stop().
#include "harness/server/acceptor.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/codec/base64.h"
#include "harness/server/faults.h"

namespace sah::server {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr auto kDeadline = 5s;

Config test_config() {
  Config c;
  c.hostname = "harness.localhost";
  c.accounts.push_back({"alice", "wonderland", {}});
  return c;
}

std::string auth_plain_line(std::string_view user, std::string_view pass) {
  std::string msg;
  msg += '\0';
  msg += user;
  msg += '\0';
  msg += pass;
  return "AUTH PLAIN " + codec::base64_encode(msg) + "\r\n";
}

// A blocking SMTP client with a deadline on every operation (it runs its own io_context for
// at most the deadline, then cancels).
class Client {
 public:
  bool connect(std::uint16_t port) {
    error_code ec;
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    return !ec;
  }

  // TLS on the open connection; verifies the server against `trusted_pem` when given.
  bool handshake(const std::string& trusted_pem = {}, const std::string& host = "localhost") {
    ctx_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    if (!trusted_pem.empty()) {
      error_code ec;
      ctx_->add_certificate_authority(asio::buffer(trusted_pem), ec);
      if (ec) return false;
      ctx_->set_verify_mode(ssl::verify_peer);
      ctx_->set_verify_callback(ssl::host_name_verification(host));
    } else {
      ctx_->set_verify_mode(ssl::verify_none);
    }
    tls_ = std::make_unique<ssl::stream<tcp::socket&>>(socket_, *ctx_);
    SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str());
    std::optional<error_code> result;
    tls_->async_handshake(ssl::stream_base::client, [&](const error_code& ec) { result = ec; });
    run(result);
    return result && !*result;
  }

  bool send(std::string_view data) {
    std::optional<error_code> result;
    auto done = [&](const error_code& ec, std::size_t) { result = ec; };
    if (tls_) asio::async_write(*tls_, asio::buffer(data), done);
    else asio::async_write(socket_, asio::buffer(data), done);
    run(result);
    return result && !*result;
  }

  // One complete reply (all its lines), or nullopt on timeout / close.
  std::optional<std::string> reply(std::chrono::milliseconds deadline = kDeadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      if (auto r = take_reply()) return r;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left <= 0ms || !read_more(left)) return std::nullopt;
    }
  }

  // True when the server closed the connection within the deadline (reads until EOF).
  bool closed_by_peer(std::chrono::milliseconds deadline = kDeadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (!read_more(left)) return last_error_ != asio::error::operation_aborted;
    }
    return false;
  }

  std::string exchange(std::string_view line) {
    if (!send(line)) return "<send failed>";
    return reply().value_or("<no reply>");
  }

  void close() {
    error_code ignored;
    socket_.close(ignored);
  }

  bool tls() const { return tls_ != nullptr; }
  SSL* ssl() { return tls_ ? tls_->native_handle() : nullptr; }
  error_code last_error() const { return last_error_; }

 private:
  template <class T>
  void run(std::optional<T>& result, std::chrono::milliseconds deadline = kDeadline) {
    io_.restart();
    io_.run_for(deadline);
    if (!result) {
      error_code ignored;
      socket_.cancel(ignored);
      io_.restart();
      io_.run();
    }
  }

  bool read_more(std::chrono::milliseconds deadline) {
    std::array<char, 4096> buf;
    std::optional<error_code> result;
    std::size_t got = 0;
    auto done = [&](const error_code& ec, std::size_t n) {
      result = ec;
      got = n;
    };
    if (tls_) tls_->async_read_some(asio::buffer(buf), done);
    else socket_.async_read_some(asio::buffer(buf), done);
    run(result, deadline);
    in_.append(buf.data(), got);
    last_error_ = result.value_or(asio::error::timed_out);
    return got > 0 && !last_error_;
  }

  // RFC 5321 §4.2.1: a reply ends with a line "NNN" or "NNN text" (no hyphen after the code).
  std::optional<std::string> take_reply() {
    std::size_t start = 0;
    for (;;) {
      auto eol = in_.find("\r\n", start);
      if (eol == std::string::npos) return std::nullopt;
      std::string_view line(in_.data() + start, eol - start);
      if (line.size() < 4 || line[3] != '-') {
        std::string r = in_.substr(0, eol + 2);
        in_.erase(0, eol + 2);
        return r;
      }
      start = eol + 2;
    }
  }

  asio::io_context io_;
  tcp::socket socket_{io_};
  std::unique_ptr<ssl::context> ctx_;
  std::unique_ptr<ssl::stream<tcp::socket&>> tls_;
  std::string in_;
  error_code last_error_;
};

std::shared_ptr<TlsContext> make_tls() {
  auto tls = TlsContext::self_signed("harness.localhost");
  EXPECT_TRUE(tls.ok()) << (tls.ok() ? "" : tls.error());
  return tls.ok() ? tls.value() : nullptr;
}

AcceptorOptions two_threads() {
  AcceptorOptions o;
  o.threads = 2;
  return o;
}

TEST(Acceptor, BindsPortZeroAndReportsThePort) {
  Acceptor server(test_config(), nullptr, two_threads());
  auto port = server.start();
  ASSERT_TRUE(port.ok()) << port.error();
  EXPECT_NE(*port, 0);
  EXPECT_EQ(server.port(), *port);
  EXPECT_EQ(server.bound_address(), "127.0.0.1:" + std::to_string(*port));
}

TEST(Acceptor, BusyPortIsAnErrorValue) {
  Acceptor first(test_config(), nullptr, two_threads());
  auto port = first.start();
  ASSERT_TRUE(port.ok());
  AcceptorOptions o = two_threads();
  o.port = *port;
  Acceptor second(test_config(), nullptr, o);
  auto again = second.start();
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.error(), HasSubstr("cannot listen"));
}

TEST(Acceptor, ImplicitTlsWithoutContextIsRefused) {
  Config c = test_config();
  c.implicit_tls = true;
  Acceptor server(c, nullptr, two_threads());
  auto port = server.start();
  ASSERT_FALSE(port.ok());
  EXPECT_THAT(port.error(), HasSubstr("implicit TLS"));
}

TEST(Acceptor, CleartextEhloAuthPlainQuit) {
  Acceptor server(test_config(), make_tls(), two_threads());
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client c;
  ASSERT_TRUE(c.connect(*port));
  EXPECT_THAT(c.reply().value_or(""), StartsWith("220"));
  std::string ehlo = c.exchange("EHLO client.example\r\n");
  EXPECT_THAT(ehlo, StartsWith("250"));
  EXPECT_THAT(ehlo, HasSubstr("STARTTLS"));  // a context exists, so STARTTLS is offered
  EXPECT_THAT(ehlo, HasSubstr("PLAIN"));
  EXPECT_THAT(c.exchange(auth_plain_line("alice", "wonderland")), StartsWith("235"));
  EXPECT_THAT(c.exchange("QUIT\r\n"), StartsWith("221"));
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(Acceptor, WrongPasswordIsRefused) {
  Acceptor server(test_config(), nullptr, two_threads());
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client c;
  ASSERT_TRUE(c.connect(*port));
  ASSERT_THAT(c.reply().value_or(""), StartsWith("220"));
  std::string ehlo = c.exchange("EHLO client.example\r\n");
  EXPECT_THAT(ehlo, Not(HasSubstr("STARTTLS")));  // no context: nothing to negotiate with
  EXPECT_THAT(c.exchange(auth_plain_line("alice", "wrong")), StartsWith("535"));
}

TEST(Acceptor, StartTlsThenAuthOverTheVerifiedChannel) {
  auto tls = make_tls();
  ASSERT_TRUE(tls);
  Acceptor server(test_config(), tls, two_threads());
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client c;
  ASSERT_TRUE(c.connect(*port));
  ASSERT_THAT(c.reply().value_or(""), StartsWith("220"));
  ASSERT_THAT(c.exchange("EHLO client.example\r\n"), HasSubstr("STARTTLS"));
  ASSERT_THAT(c.exchange("STARTTLS\r\n"), StartsWith("220"));
  // The generated certificate is trusted as is and names localhost (SAN).
  ASSERT_TRUE(c.handshake(tls->certificate_pem(), "localhost"));
  std::string ehlo = c.exchange("EHLO client.example\r\n");
  EXPECT_THAT(ehlo, StartsWith("250"));
  EXPECT_THAT(ehlo, Not(HasSubstr("STARTTLS")));  // RFC 3207 §4.2: not offered again
  EXPECT_THAT(c.exchange(auth_plain_line("alice", "wonderland")), StartsWith("235"));
  EXPECT_THAT(c.exchange("QUIT\r\n"), StartsWith("221"));
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(Acceptor, ImplicitTlsGreetsAfterTheHandshake) {
  Config cfg = test_config();
  cfg.implicit_tls = true;
  auto tls = make_tls();
  Acceptor server(cfg, tls, two_threads());
  auto port = server.start();
  ASSERT_TRUE(port.ok()) << port.error();
  Client c;
  ASSERT_TRUE(c.connect(*port));
  ASSERT_TRUE(c.handshake(tls->certificate_pem(), "127.0.0.1"));
  EXPECT_THAT(c.reply().value_or(""), StartsWith("220"));
  std::string ehlo = c.exchange("EHLO client.example\r\n");
  EXPECT_THAT(ehlo, StartsWith("250"));
  EXPECT_THAT(ehlo, Not(HasSubstr("STARTTLS")));
  EXPECT_THAT(c.exchange(auth_plain_line("alice", "wonderland")), StartsWith("235"));
  EXPECT_THAT(c.exchange("QUIT\r\n"), StartsWith("221"));
}

TEST(Acceptor, ImplicitTlsSaysNothingInCleartext) {
  Config cfg = test_config();
  cfg.implicit_tls = true;
  AcceptorOptions o = two_threads();
  o.handshake_timeout = 300ms;
  Acceptor server(cfg, make_tls(), o);
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client c;
  ASSERT_TRUE(c.connect(*port));
  auto start = std::chrono::steady_clock::now();
  // No greeting in cleartext, and a client that never starts the handshake is cut off.
  EXPECT_TRUE(c.closed_by_peer(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(Acceptor, StalledStartTlsHandshakeIsCutOff) {
  AcceptorOptions o = two_threads();
  o.handshake_timeout = 300ms;
  Acceptor server(test_config(), make_tls(), o);
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client c;
  ASSERT_TRUE(c.connect(*port));
  ASSERT_THAT(c.reply().value_or(""), StartsWith("220"));
  ASSERT_THAT(c.exchange("STARTTLS\r\n"), StartsWith("220"));
  EXPECT_TRUE(c.closed_by_peer(3s));  // the client never sends its ClientHello
}

TEST(Acceptor, GarbageInsteadOfClientHelloClosesTheConnection) {
  Acceptor server(test_config(), make_tls(), two_threads());
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client c;
  ASSERT_TRUE(c.connect(*port));
  ASSERT_THAT(c.reply().value_or(""), StartsWith("220"));
  ASSERT_THAT(c.exchange("STARTTLS\r\n"), StartsWith("220"));
  ASSERT_TRUE(c.send("EHLO not-tls\r\n"));
  // RFC 3207 §4.1: a failed negotiation does not fall back to cleartext.
  EXPECT_TRUE(c.closed_by_peer(3s));
}

TEST(Acceptor, IdleConnectionGets421ThenClose) {
  Config cfg = test_config();
  cfg.limits.idle_timeout = std::chrono::seconds(1);
  Acceptor server(cfg, nullptr, two_threads());
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client c;
  ASSERT_TRUE(c.connect(*port));
  ASSERT_THAT(c.reply().value_or(""), StartsWith("220"));
  auto start = std::chrono::steady_clock::now();
  auto r = c.reply(4s);
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.has_value()) << "no reply after the idle timeout";
  EXPECT_THAT(*r, StartsWith("421"));
  EXPECT_GE(waited, 900ms);  // not before the configured second
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(Acceptor, ActivityRestartsTheIdleTimer) {
  AcceptorOptions o = two_threads();
  o.idle_timeout_override = 600ms;
  Acceptor server(test_config(), nullptr, o);
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client c;
  ASSERT_TRUE(c.connect(*port));
  ASSERT_THAT(c.reply().value_or(""), StartsWith("220"));
  // 4 × 300 ms of activity is longer than one timeout, and the connection must survive it.
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(300ms);
    EXPECT_THAT(c.exchange("EHLO client.example\r\n"), StartsWith("250")) << "round " << i;
  }
  EXPECT_THAT(c.reply(3s).value_or(""), StartsWith("421"));
}

TEST(Acceptor, TwoHundredConcurrentConnections) {
  AcceptorOptions o = two_threads();
  Acceptor server(test_config(), nullptr, o);
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  constexpr int kClients = 200;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>());
    ASSERT_TRUE(clients.back()->connect(*port)) << i;
  }
  for (auto& c : clients) ASSERT_THAT(c->reply().value_or(""), StartsWith("220"));
  EXPECT_EQ(server.active_connections(), static_cast<std::size_t>(kClients));
  // All open at once; now drive them from four threads at the same time.
  std::atomic<int> ok{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (int i = w; i < kClients; i += 4) {
        Client& c = *clients[static_cast<std::size_t>(i)];
        bool good = c.exchange("EHLO client.example\r\n").rfind("250", 0) == 0 &&
                    c.exchange(auth_plain_line("alice", "wonderland")).rfind("235", 0) == 0 &&
                    c.exchange("QUIT\r\n").rfind("221", 0) == 0 && c.closed_by_peer();
        if (good) ++ok;
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(ok.load(), kClients);
  EXPECT_EQ(server.accepted_connections(), static_cast<std::size_t>(kClients));
  for (int i = 0; i < 100 && server.active_connections() != 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(server.active_connections(), 0u);
}

TEST(Acceptor, OverTheConnectionLimitGets421) {
  AcceptorOptions o = two_threads();
  o.max_connections = 2;
  Acceptor server(test_config(), nullptr, o);
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client a, b, c;
  ASSERT_TRUE(a.connect(*port));
  ASSERT_THAT(a.reply().value_or(""), StartsWith("220"));
  ASSERT_TRUE(b.connect(*port));
  ASSERT_THAT(b.reply().value_or(""), StartsWith("220"));
  ASSERT_TRUE(c.connect(*port));
  EXPECT_THAT(c.reply().value_or(""), StartsWith("421"));
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(Acceptor, StopClosesEveryConnectionAndTheListener) {
  auto tls = make_tls();
  AcceptorOptions o = two_threads();
  Acceptor server(test_config(), tls, o);
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client idle, in_tls, mid_line;
  ASSERT_TRUE(idle.connect(*port));
  ASSERT_THAT(idle.reply().value_or(""), StartsWith("220"));
  ASSERT_TRUE(in_tls.connect(*port));
  ASSERT_THAT(in_tls.reply().value_or(""), StartsWith("220"));
  ASSERT_THAT(in_tls.exchange("STARTTLS\r\n"), StartsWith("220"));  // server now waits in the handshake
  ASSERT_TRUE(mid_line.connect(*port));
  ASSERT_THAT(mid_line.reply().value_or(""), StartsWith("220"));
  ASSERT_TRUE(mid_line.send("EHLO half-a-li"));

  auto start = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(server.active_connections(), 0u);
  EXPECT_TRUE(idle.closed_by_peer(2s));
  EXPECT_TRUE(in_tls.closed_by_peer(2s));
  EXPECT_TRUE(mid_line.closed_by_peer(2s));
  Client late;
  EXPECT_FALSE(late.connect(*port));
  server.stop();  // idempotent
}

TEST(Acceptor, PeerThatLeavesMidExchangeFreesItsConnection) {
  Acceptor server(test_config(), nullptr, two_threads());
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  for (int i = 0; i < 20; ++i) {
    Client c;
    ASSERT_TRUE(c.connect(*port));
    ASSERT_THAT(c.reply().value_or(""), StartsWith("220"));
    ASSERT_TRUE(c.send("AUTH PLAIN\r\n"));  // and go away in the middle of the exchange
  }
  for (int i = 0; i < 100 && server.active_connections() != 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(server.active_connections(), 0u);
}

// Fault switch "hang-on-malformed": the connection stays open and silent until the peer leaves,
// and the idle timer does not rescue it (the hang is the behaviour under test).
TEST(Acceptor, HangActionKeepsTheConnectionOpenAndSilent) {
  if (find_fault("hang-on-malformed") == nullptr) GTEST_SKIP() << "fault hang-on-malformed not defined";
  Config cfg = test_config();
  cfg.faults.insert("hang-on-malformed");
  AcceptorOptions o = two_threads();
  o.idle_timeout_override = 300ms;
  Acceptor server(cfg, nullptr, o);
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  Client c;
  ASSERT_TRUE(c.connect(*port));
  ASSERT_THAT(c.reply().value_or(""), StartsWith("220"));
  ASSERT_THAT(c.exchange("EHLO client.example\r\n"), StartsWith("250"));
  // PLAIN needs two NULs (RFC 4616 §2): this response cannot be parsed.
  ASSERT_TRUE(c.send("AUTH PLAIN " + codec::base64_encode("no-separators-here") + "\r\n"));
  EXPECT_FALSE(c.reply(1s).has_value()) << "a hung connection answered";
  EXPECT_EQ(c.last_error(), asio::error::operation_aborted) << "the connection was closed, not hung";
  ASSERT_TRUE(c.send("QUIT\r\n"));
  EXPECT_FALSE(c.reply(500ms).has_value());
  EXPECT_EQ(server.active_connections(), 1u);
  c.close();
  for (int i = 0; i < 100 && server.active_connections() != 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(server.active_connections(), 0u);  // freed once the peer went
}

// Fault switch "long-line-crash": the acceptor calls std::abort, the process dies (G4).
TEST(AcceptorDeathTest, CrashActionAbortsTheProcess) {
  if (find_fault("long-line-crash") == nullptr) GTEST_SKIP() << "fault long-line-crash not defined";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Config cfg = test_config();
        cfg.faults.insert("long-line-crash");
        Acceptor server(cfg, nullptr, two_threads());
        auto port = server.start();
        Client c;
        if (port.ok() && c.connect(*port)) {
          c.reply();
          c.send("AUTH PLAIN " + std::string(5000, 'A') + "\r\n");
          c.reply(3s);
        }
        std::fprintf(stderr, "still alive\n");
        std::exit(0);
      },
      ::testing::KilledBySignal(SIGABRT), "");
}

}  // namespace
}  // namespace sah::server
