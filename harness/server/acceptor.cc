#include "harness/server/acceptor.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "harness/server/session.h"

namespace sah::server {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// One read is at most this many octets; the session bounds what it buffers from them.
constexpr std::size_t kReadChunk = 4096;
// An output buffer that grew past this is released after the write, not kept for the next one.
constexpr std::size_t kKeepOutputCapacity = 16 * 1024;
// Closing politely (TLS close_notify, draining what the peer still sends so that our last reply
// is not destroyed by a TCP reset) is bounded by this.
constexpr std::chrono::milliseconds kCloseLinger{2000};
constexpr std::size_t kMaxLingerBytes = 64 * 1024;
// RFC 5321 §3.8: a server that cannot serve may answer 421 and close.
constexpr std::string_view kBusyReply = "421 4.3.2 Too many connections, try again later\r\n";

// Nonces and challenges for the sessions: OpenSSL's CSPRNG, which is safe to share between
// threads (OpenSSL 3 keeps per-thread DRBGs).
class SystemRandom final : public Random {
 public:
  void fill(std::string& out, std::size_t n) override {
    out.resize(n);
    std::size_t done = 0;
    while (done < n) {
      int chunk = static_cast<int>(std::min<std::size_t>(n - done, INT_MAX));
      if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data() + done), chunk) != 1) {
        // Predictable nonces would silently weaken every challenge-response mechanism.
        std::fputs("smtp-auth-harness: no randomness available from OpenSSL\n", stderr);
        std::abort();
      }
      done += static_cast<std::size_t>(chunk);
    }
  }
};

class Connection;

// What every connection shares with the acceptor; outlives all connections.
struct Shared {
  Config config;
  std::shared_ptr<TlsContext> tls;
  AcceptorOptions options;
  std::chrono::milliseconds idle_timeout{0};
  SystemRandom random;

  std::mutex mu;
  std::condition_variable drained;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> live;  // guarded by mu
  std::atomic<std::size_t> active{0};
  std::atomic<std::size_t> accepted{0};
  std::function<void()> stop_serving;  // the crash fault with crash_stops_serving
};

// One client connection. Every member is touched only on the connection's strand (the
// socket's executor); the timer shares that strand, so handlers never race.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Shared& shared)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), shared_(shared),
        session_(shared.config, shared.random) {}

  ~Connection() {
    std::lock_guard lock(shared_.mu);
    shared_.live.erase(this);
    shared_.active.fetch_sub(1);
    shared_.drained.notify_all();
  }

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts the connection on its own strand.
  void launch() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->begin(); });
  }

  // The acceptor is stopping: drop the connection now, whatever it was doing.
  void abort() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->finish(); });
  }

 private:
  enum class Phase { running, closing, hanging, done };

  void begin() {
    if (shared_.config.implicit_tls && shared_.config.faults.count("implicit-tls-cleartext-greeting") != 0) {
      // The fault: the greeting goes out in cleartext, then the handshake the client started
      // (RFC 8314 §3.3 wants TLS first; a client reads the 220 as a bad TLS record).
      session_.start();
      greeted_ = true;
      out_ = session_.take_output();
      arm(shared_.options.write_timeout, [](Connection& c) { c.finish(); });
      asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](const error_code& ec, std::size_t) {
        self->disarm();
        if (self->phase_ == Phase::done) return;
        if (ec) {
          self->finish();
          return;
        }
        self->handshake();
      });
      return;
    }
    if (shared_.config.implicit_tls) {
      // RFC 8314 §3.3: implicit TLS, the handshake comes before any SMTP byte.
      handshake();
    } else {
      session_.start();
      flush();
    }
  }

  // Deadlines: one timer serves the one operation in flight (handshake, read, write, close).
  // A generation number tells a stale expiry (already queued when re-armed) from a live one.
  template <class OnExpiry>
  void arm(std::chrono::milliseconds after, OnExpiry on_expiry) {
    const unsigned gen = ++timer_gen_;
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this(), gen, on_expiry](const error_code& ec) {
      if (ec || gen != self->timer_gen_ || self->phase_ == Phase::done) return;
      on_expiry(*self);
    });
  }
  void disarm() {
    ++timer_gen_;
    timer_.cancel();
  }

  template <class Handler>
  void read_some(Handler&& h) {
    auto buf = asio::buffer(buf_);
    if (tls_) tls_->async_read_some(buf, std::forward<Handler>(h));
    else socket_.async_read_some(buf, std::forward<Handler>(h));
  }

  // Takes the session's output and writes it, then acts on the session's action.
  void flush() {
    if (phase_ == Phase::done) return;
    out_ = session_.take_output();
    if (out_.empty()) {
      act();
      return;
    }
    arm(shared_.options.write_timeout, [](Connection& c) { c.finish(); });
    auto on_written = [self = shared_from_this()](const error_code& ec, std::size_t) {
      self->disarm();
      if (self->phase_ == Phase::done) return;
      if (self->out_.capacity() > kKeepOutputCapacity) Bytes().swap(self->out_);
      else self->out_.clear();
      if (ec) {
        // The peer is gone or stopped reading; a crash fault still takes the server down.
        if (self->session_.action() == Action::crash) {
          self->crash();
          return;
        }
        self->finish();
        return;
      }
      self->act();
    };
    if (tls_) asio::async_write(*tls_, asio::buffer(out_), std::move(on_written));
    else asio::async_write(socket_, asio::buffer(out_), std::move(on_written));
  }

  // A fault switch: the server dying is the behaviour under test (catalogue G4).
  void crash() {
    if (!shared_.options.crash_stops_serving) std::abort();
    error_code ignored;
    socket_.set_option(asio::socket_base::linger(true, 0), ignored);  // a reset, as the kernel sends for a dead process
    finish();
    shared_.stop_serving();
  }

  void act() {
    switch (session_.action()) {
      case Action::none:
        read();
        return;
      case Action::start_tls:
        // The session advertises STARTTLS only when a context exists; if it asks anyway, the
        // connection cannot continue in a state both sides agree on.
        if (!shared_.tls || tls_) {
          finish();
          return;
        }
        handshake();
        return;
      case Action::close:
        close_gracefully();
        return;
      case Action::crash:
        crash();
        return;
      case Action::hang:
        hang();
        return;
    }
    finish();
  }

  void read() {
    idle_fired_ = false;
    // The session's own limit (a fault may shorten it mid-exchange, LIM-04) unless the
    // operator overrode the timeout for the whole server.
    const auto limit = shared_.options.idle_timeout_override.count() > 0
                           ? shared_.idle_timeout
                           : std::max(session_.idle_limit(), std::chrono::milliseconds(1));
    arm(limit, [](Connection& c) {
      c.idle_fired_ = true;
      error_code ignored;
      c.socket_.cancel(ignored);  // completes the read with operation_aborted
    });
    read_some([self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(const error_code& ec, std::size_t n) {
    disarm();
    if (phase_ == Phase::done) return;
    if (ec) {
      if (idle_fired_ && ec == asio::error::operation_aborted) {
        // RFC 5321 §4.5.3.2.7: the server may close an idle connection; the session says 421.
        idle_fired_ = false;
        session_.idle_timeout();
        flush();
        return;
      }
      // EOF, reset, or a TLS error: nobody left to answer (RFC 5321 §4.1.1.5: like QUIT).
      session_.connection_lost();
      if (session_.action() == Action::crash) {
        crash();
        return;
      }
      finish();
      return;
    }
    idle_fired_ = false;
    session_.receive(BytesView(buf_.data(), n));
    flush();
  }

  void handshake() {
    tls_ = std::make_unique<ssl::stream<tcp::socket&>>(socket_, shared_.tls->asio());
    if (shared_.config.faults.count("tls-accepts-old-versions") != 0 && !accept_deprecated_tls_versions(tls_->native_handle())) {
      finish();
      return;
    }
    arm(shared_.options.handshake_timeout, [](Connection& c) { c.finish(); });
    tls_->async_handshake(ssl::stream_base::server, [self = shared_from_this()](const error_code& ec) {
      self->disarm();
      if (self->phase_ == Phase::done) return;
      if (ec) {
        // RFC 3207 §4.1: after a failed negotiation the server should not go on in cleartext.
        self->finish();
        return;
      }
      SSL* ssl = self->tls_->native_handle();
      self->session_.tls_established(tls_server_end_point(SSL_get_certificate(ssl)), tls_exporter(ssl));
      if (self->shared_.config.implicit_tls && !self->greeted_) self->session_.start();
      self->greeted_ = true;
      self->flush();
    });
  }

  void close_gracefully() {
    phase_ = Phase::closing;
    arm(kCloseLinger, [](Connection& c) { c.finish(); });
    if (tls_) {
      // RFC 8446 §6.1 close_notify; the peer's own close_notify or EOF ends the wait.
      tls_->async_shutdown([self = shared_from_this()](const error_code&) { self->finish(); });
      return;
    }
    // Half-close, then drain what the client still sends, so the kernel does not answer it
    // with a reset that could destroy our final reply in flight (RFC 7230 §6.6 "lingering").
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    linger_read();
  }

  void linger_read() {
    socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](const error_code& ec, std::size_t n) {
      if (self->phase_ == Phase::done) return;
      self->lingered_ += n;
      if (ec || self->lingered_ > kMaxLingerBytes) {
        self->finish();
        return;
      }
      self->linger_read();
    });
  }

  // A fault switch: never answer again, but keep the connection until the peer leaves (or the
  // acceptor stops). Incoming bytes are read and dropped so that EOF is noticed; memory stays
  // at one read buffer.
  void hang() {
    phase_ = Phase::hanging;
    disarm();
    read_some([self = shared_from_this()](const error_code& ec, std::size_t) {
      if (self->phase_ == Phase::done) return;
      if (ec) {
        self->finish();
        return;
      }
      self->hang();
    });
  }

  void finish() {
    if (phase_ == Phase::done) return;
    phase_ = Phase::done;
    disarm();
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  std::unique_ptr<ssl::stream<tcp::socket&>> tls_;  // created at the handshake only
  asio::steady_timer timer_;
  unsigned timer_gen_ = 0;
  Shared& shared_;
  Session session_;
  std::array<char, kReadChunk> buf_{};
  Bytes out_;
  Phase phase_ = Phase::running;
  bool idle_fired_ = false;
  bool greeted_ = false;
  std::size_t lingered_ = 0;
};

}  // namespace

struct Acceptor::Impl {
  // Declared before io so that connections destroyed with the io_context find it alive.
  Shared shared;
  asio::io_context io;
  tcp::acceptor acceptor{asio::make_strand(io)};
  asio::steady_timer retry_timer{acceptor.get_executor()};
  std::vector<std::thread> threads;
  std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::endpoint bound;
  bool running = false;
  bool stopping = false;  // touched on the acceptor strand only

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](const error_code& ec, tcp::socket socket) {
      if (stopping || !acceptor.is_open()) return;
      if (ec) {
        // EMFILE and friends: wait a little instead of spinning on the error.
        retry_timer.expires_after(std::chrono::milliseconds(100));
        retry_timer.async_wait([this](const error_code& wait_ec) {
          if (!wait_ec && !stopping) accept();
        });
        return;
      }
      shared.accepted.fetch_add(1);
      if (shared.active.load() >= shared.options.max_connections) {
        refuse(std::move(socket));
      } else {
        admit(std::move(socket));
      }
      accept();
    });
  }

  void admit(tcp::socket socket) {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // replies are small and latency-bound
    shared.active.fetch_add(1);
    auto conn = std::make_shared<Connection>(std::move(socket), shared);
    {
      std::lock_guard lock(shared.mu);
      shared.live.emplace(conn.get(), conn);
    }
    conn->launch();
  }

  // The in-process stand-in for a crash: no new connection, every live one dropped. Posted,
  // since it is called from a connection's handler.
  void stop_serving() {
    asio::post(acceptor.get_executor(), [this] {
      stopping = true;
      error_code ignored;
      acceptor.close(ignored);
      retry_timer.cancel();
      std::vector<std::shared_ptr<Connection>> conns;
      {
        std::lock_guard lock(shared.mu);
        for (auto& [_, weak] : shared.live)
          if (auto c = weak.lock()) conns.push_back(std::move(c));
      }
      for (auto& c : conns) c->abort();
    });
  }

  void refuse(tcp::socket socket) {
    auto s = std::make_shared<tcp::socket>(std::move(socket));
    asio::async_write(*s, asio::buffer(kBusyReply.data(), kBusyReply.size()), [s](const error_code&, std::size_t) {
      error_code ignored;
      s->shutdown(tcp::socket::shutdown_both, ignored);
      s->close(ignored);
    });
  }
};

Acceptor::Acceptor(Config config, std::shared_ptr<TlsContext> tls, AcceptorOptions options)
    : impl_(std::make_unique<Impl>()) {
  // STARTTLS is advertised exactly when the handshake can happen (RFC 3207 §4: a server that
  // offers STARTTLS must be able to negotiate).
  config.tls_available = tls != nullptr;
  impl_->shared.config = std::move(config);
  impl_->shared.tls = std::move(tls);
  impl_->shared.stop_serving = [impl = impl_.get()] { impl->stop_serving(); };
  impl_->shared.options = std::move(options);
  auto& s = impl_->shared;
  s.idle_timeout = s.options.idle_timeout_override.count() > 0
                       ? s.options.idle_timeout_override
                       : std::chrono::duration_cast<std::chrono::milliseconds>(s.config.limits.idle_timeout);
  if (s.idle_timeout.count() <= 0) s.idle_timeout = std::chrono::milliseconds(1);
}

Acceptor::~Acceptor() { stop(); }

Result<std::uint16_t, std::string> Acceptor::start() {
  Impl& im = *impl_;
  if (im.running) return im.bound.port();
  if (im.shared.config.implicit_tls && !im.shared.tls)
    return unexpected(std::string("implicit TLS needs a TLS context (certificate and key)"));

  error_code ec;
  tcp::endpoint endpoint;
  auto addr = asio::ip::make_address(im.shared.options.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(addr, im.shared.options.port);
  } else {
    tcp::resolver resolver(im.io);
    auto results = resolver.resolve(im.shared.options.host, std::to_string(im.shared.options.port),
                                    tcp::resolver::passive, ec);
    if (ec || results.empty())
      return unexpected("cannot resolve " + im.shared.options.host + ": " + ec.message());
    endpoint = results.begin()->endpoint();
  }

  im.acceptor.open(endpoint.protocol(), ec);
  if (!ec) im.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(endpoint, ec);
  if (!ec) im.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) im.bound = im.acceptor.local_endpoint(ec);
  if (ec) {
    error_code ignored;
    im.acceptor.close(ignored);
    return unexpected("cannot listen on " + im.shared.options.host + ":" +
                      std::to_string(im.shared.options.port) + ": " + ec.message());
  }

  // OAUTHBEARER compares the client's port= with the port the server knows (RFC 7628 §3.2, OB-07).
  if (im.shared.config.port == 0) im.shared.config.port = im.bound.port();

  im.running = true;
  im.work = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(im.io.get_executor());
  asio::dispatch(im.acceptor.get_executor(), [&im] { im.accept(); });
  unsigned n = im.shared.options.threads != 0 ? im.shared.options.threads : std::thread::hardware_concurrency();
  if (n == 0) n = 1;
  for (unsigned i = 0; i < n; ++i) {
    im.threads.emplace_back([&im] {
      for (;;) {
        try {
          im.io.run();
          return;
        } catch (const std::exception& e) {
          // One connection's failure must not take the server down (only the crash fault may).
          std::fprintf(stderr, "smtp-auth-harness serve: connection handler failed: %s\n", e.what());
        }
      }
    });
  }
  return im.bound.port();
}

void Acceptor::stop() {
  Impl& im = *impl_;
  if (!im.running) return;
  im.running = false;

  // Close the listening socket on its strand, so no accept handler runs concurrently.
  std::promise<void> closed;
  asio::dispatch(im.acceptor.get_executor(), [&im, &closed] {
    im.stopping = true;
    error_code ignored;
    im.acceptor.close(ignored);
    im.retry_timer.cancel();
    closed.set_value();
  });
  closed.get_future().wait();

  std::vector<std::shared_ptr<Connection>> conns;
  {
    std::lock_guard lock(im.shared.mu);
    conns.reserve(im.shared.live.size());
    for (auto& [_, weak] : im.shared.live)
      if (auto c = weak.lock()) conns.push_back(std::move(c));
  }
  for (auto& c : conns) c->abort();
  conns.clear();

  // Let the aborted operations complete and the connections go away, then release the threads.
  {
    std::unique_lock lock(im.shared.mu);
    im.shared.drained.wait_for(lock, std::chrono::seconds(5), [&im] { return im.shared.active.load() == 0; });
  }
  im.work.reset();
  if (im.shared.active.load() != 0) im.io.stop();
  for (auto& t : im.threads) t.join();
  im.threads.clear();
}

std::uint16_t Acceptor::port() const { return impl_->bound.port(); }

std::string Acceptor::bound_address() const {
  const auto& ep = impl_->bound;
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

std::size_t Acceptor::active_connections() const { return impl_->shared.active.load(); }
std::size_t Acceptor::accepted_connections() const { return impl_->shared.accepted.load(); }

}  // namespace sah::server
