// load_serve: N concurrent SMTP clients, each looping connect, EHLO, AUTH PLAIN (good
// credentials), QUIT for D seconds against HOST:PORT. Reports successful AUTH exchanges per
// second and errors; with --pid, the server's resident memory from /proc/PID/status (VmRSS at
// start, middle and end, and the peak VmHWM).
//
// Only loopback or the project's own test hosts are valid targets; the loop is bounded by
// --duration and every exchange by --timeout.
//
//   load_serve --port 2525 [--host 127.0.0.1] [--clients 64] [--duration 10] [--user U]
//              [--password P] [--pid PID] [--threads 1] [--timeout 10]
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

struct Settings {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  unsigned clients = 64;
  double duration = 10;
  std::string user = "user";
  std::string password = "password";
  long pid = 0;
  unsigned threads = 1;
  double timeout = 10;
};

struct Counters {
  std::atomic<unsigned long> auth_ok{0};
  std::atomic<unsigned long> connect_errors{0};
  std::atomic<unsigned long> io_errors{0};
  std::atomic<unsigned long> timeouts{0};
  std::atomic<unsigned long> unexpected_replies{0};
};

std::string base64(const std::string& in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// One client: a loop of whole sessions until the deadline. All on one io_context thread.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& io, const Settings& s, const tcp::endpoint& ep, Counters& c, Clock::time_point end)
      : io_(io), settings_(s), endpoint_(ep), counters_(c), end_(end), socket_(io), timer_(io) {
    std::string msg;
    msg += '\0';
    msg += s.user;
    msg += '\0';
    msg += s.password;
    auth_line_ = "AUTH PLAIN " + base64(msg) + "\r\n";
  }

  void run() {
    if (Clock::now() >= end_) return;
    step_ = 0;
    socket_ = tcp::socket(io_);
    arm();
    socket_.async_connect(endpoint_, [self = shared_from_this()](const error_code& ec) {
      if (ec) return self->fail(self->counters_.connect_errors);
      self->expect(220);
    });
  }

 private:
  // Every session has a deadline; a stuck server counts as a timeout, not a hang of the tool.
  void arm() {
    timer_.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(settings_.timeout)));
    timer_.async_wait([self = shared_from_this(), gen = ++gen_](const error_code& ec) {
      if (ec || gen != self->gen_) return;
      self->timed_out_ = true;
      error_code ignored;
      self->socket_.close(ignored);
    });
  }

  void expect(int code) {
    read_reply([self = shared_from_this(), code](int got) {
      if (got != code) return self->fail(self->counters_.unexpected_replies);
      self->next();
    });
  }

  // The session script: greeting, EHLO, AUTH PLAIN, QUIT.
  void next() {
    switch (step_++) {
      case 0: return send("EHLO load.client\r\n", 250);
      case 1: return send(auth_line_, 235);
      case 2:
        counters_.auth_ok.fetch_add(1);
        return send("QUIT\r\n", 221);
      default:
        return done();
    }
  }

  void send(const std::string& line, int code) {
    out_ = line;
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this(), code](const error_code& ec, std::size_t) {
      if (ec) return self->fail(self->counters_.io_errors);
      self->expect(code);
    });
  }

  // Reads one whole reply (RFC 5321 §4.2.1: the last line has SP after the code); -1 on error.
  template <class Handler>
  void read_reply(Handler h) {
    asio::async_read_until(socket_, in_, "\r\n", [self = shared_from_this(), h](const error_code& ec, std::size_t n) {
      if (ec) return h(-1);
      std::string line(asio::buffers_begin(self->in_.data()), asio::buffers_begin(self->in_.data()) + n);
      self->in_.consume(n);
      if (line.size() < 5 || line[0] < '1' || line[0] > '5') return h(-2);
      if (line[3] == '-') return self->read_reply(h);
      h(std::atoi(line.substr(0, 3).c_str()));
    });
  }

  void fail(std::atomic<unsigned long>& counter) {
    if (timed_out_) counters_.timeouts.fetch_add(1);
    else counter.fetch_add(1);
    timed_out_ = false;
    close(false);
    // A short pause so that a refusing server is not hammered in a tight loop.
    timer_.expires_after(std::chrono::milliseconds(10));
    timer_.async_wait([self = shared_from_this(), gen = ++gen_](const error_code& ec) {
      if (!ec && gen == self->gen_) self->run();
    });
  }

  void done() {
    close(true);
    run();
  }

  void close(bool after_quit) {
    ++gen_;
    timer_.cancel();
    error_code ignored;
    if (after_quit) {
      // The server has closed after 221; a reset instead of a FIN keeps the loop from filling
      // the loopback port range with TIME_WAIT entries.
      socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    }
    socket_.close(ignored);
    in_.consume(in_.size());
  }

  asio::io_context& io_;
  const Settings& settings_;
  tcp::endpoint endpoint_;
  Counters& counters_;
  Clock::time_point end_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  unsigned gen_ = 0;
  bool timed_out_ = false;
  int step_ = 0;
  std::string auth_line_;
  std::string out_;
  asio::streambuf in_{64 * 1024};
};

// kB from a "Name:   123 kB" line of /proc/PID/status; -1 when unavailable.
long proc_status_kb(long pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

bool parse(int argc, char** argv, Settings& s) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--help" || a == "-h") return false;
    if ((v = value()) == nullptr) return false;
    if (a == "--host") s.host = v;
    else if (a == "--port") s.port = static_cast<unsigned short>(std::atoi(v));
    else if (a == "--clients") s.clients = static_cast<unsigned>(std::atoi(v));
    else if (a == "--duration") s.duration = std::atof(v);
    else if (a == "--user") s.user = v;
    else if (a == "--password") s.password = v;
    else if (a == "--pid") s.pid = std::atol(v);
    else if (a == "--threads") s.threads = static_cast<unsigned>(std::atoi(v));
    else if (a == "--timeout") s.timeout = std::atof(v);
    else return false;
  }
  return s.port != 0 && s.clients > 0 && s.duration > 0 && s.duration <= 3600 && s.threads > 0 && s.timeout > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  if (!parse(argc, argv, s)) {
    std::fprintf(stderr,
                 "usage: load_serve --port PORT [--host 127.0.0.1] [--clients 64] [--duration 10] [--user U]\n"
                 "                  [--password P] [--pid SERVER_PID] [--threads 1] [--timeout 10]\n");
    return 2;
  }
  error_code ec;
  auto address = asio::ip::make_address(s.host, ec);
  if (ec) {
    std::fprintf(stderr, "load_serve: --host must be an IP address: %s\n", ec.message().c_str());
    return 2;
  }
  tcp::endpoint endpoint(address, s.port);

  Counters counters;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.duration));
  const long rss_start = s.pid ? proc_status_kb(s.pid, "VmRSS") : -1;

  // Clients are spread over the threads, one io_context each (no locking in the clients).
  std::vector<std::unique_ptr<asio::io_context>> ios;
  for (unsigned t = 0; t < s.threads; ++t) ios.push_back(std::make_unique<asio::io_context>());
  for (unsigned i = 0; i < s.clients; ++i) {
    auto& io = *ios[i % s.threads];
    std::make_shared<Client>(io, s, endpoint, counters, end)->run();
  }
  std::vector<std::thread> threads;
  for (auto& io : ios) threads.emplace_back([&io] { io->run(); });

  // Sample the server's memory half-way through.
  long rss_mid = -1;
  std::this_thread::sleep_until(start + (end - start) / 2);
  if (s.pid) rss_mid = proc_status_kb(s.pid, "VmRSS");
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const long rss_end = s.pid ? proc_status_kb(s.pid, "VmRSS") : -1;
  const long hwm = s.pid ? proc_status_kb(s.pid, "VmHWM") : -1;

  const unsigned long ok = counters.auth_ok.load();
  const unsigned long errors = counters.connect_errors + counters.io_errors + counters.timeouts +
                               counters.unexpected_replies;
  std::printf("clients=%u duration_s=%.2f auth_ok=%lu auth_per_s=%.1f errors=%lu connect_errors=%lu "
              "io_errors=%lu timeouts=%lu unexpected_replies=%lu rss_start_kb=%ld rss_mid_kb=%ld "
              "rss_end_kb=%ld vmhwm_kb=%ld\n",
              s.clients, elapsed, ok, static_cast<double>(ok) / elapsed, errors, counters.connect_errors.load(),
              counters.io_errors.load(), counters.timeouts.load(), counters.unexpected_replies.load(), rss_start,
              rss_mid, rss_end, hwm);
  return ok > 0 ? 0 : 1;
}
