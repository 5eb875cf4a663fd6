#include "harness/target/supervisor.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/error.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/start_dir.hpp>

#include "harness/net/tcp_connector.h"

namespace sah::target {

namespace bp = boost::process;

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kLogTailBytes = 64 * 1024;  // read at most this much of a log's end
constexpr std::size_t kLogLineMax = 400;           // longer log lines are cut
constexpr std::size_t kGreetingMax = 4096;

milliseconds left_until(Clock::time_point deadline) {
  const auto d = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  return d.count() > 0 ? d : milliseconds(0);
}

// Is any process of this group still running (zombies do not count: they are dead, only not
// yet reaped by whichever parent they have now)?
bool pgrp_has_live_member(pid_t pgid) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return false;
  bool found = false;
  while (!found) {
    const dirent* e = readdir(proc);
    if (e == nullptr) break;
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream stat(std::string("/proc/") + e->d_name + "/stat");
    std::string text;
    std::getline(stat, text);
    // "pid (comm) state ppid pgrp ...": comm may hold anything, so parse after the last ')'.
    const auto paren = text.rfind(')');
    if (paren == std::string::npos || paren + 2 >= text.size()) continue;
    char state = 0;
    long ppid = 0, pgrp = 0;
    if (std::sscanf(text.c_str() + paren + 2, "%c %ld %ld", &state, &ppid, &pgrp) != 3) continue;
    if (pgrp == pgid && state != 'Z' && state != 'X') found = true;
  }
  closedir(proc);
  return found;
}

// No list, pipe, sub-shell or compound keyword: `exec` can be put in front. Conservative: an
// operator octet even inside quotes counts, which only costs the direct view of a signal.
bool simple_command(std::string_view command) {
  if (command.find_first_of(";&|\n()`") != std::string_view::npos) return false;
  for (std::string_view word : {"for", "while", "until", "if", "case", "{", "!", "exec"}) {
    if (command.rfind(word, 0) == 0 && (command.size() == word.size() || command[word.size()] == ' ')) return false;
  }
  return true;
}

// Runs in the child between fork and exec (async-signal-safe calls only). A new session, and so
// a new process group led by the child: kill(-pid) reaches all it spawns, and the terminal's
// SIGINT reaches only the harness, which then stops the server in order. The signal mask and
// dispositions the harness changed are put back to the defaults a server expects. If the
// harness itself dies (even by SIGKILL), the child gets SIGTERM, so it does not outlive us
// (strictly: when the thread that started it ends; runner threads live until the run is over,
// and the run stops the server before that anyway).
void become_session_leader() {
  ::setsid();
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGCHLD}) ::signal(sig, SIG_DFL);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
}

}  // namespace

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  std::uint16_t port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string describe_wait_status(int status) {
  const auto signal_name = [](int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return std::to_string(sig) + (abbrev != nullptr ? std::string(" (SIG") + abbrev + ")" : std::string());
  };
  if (WIFEXITED(status)) {
    const int code = WEXITSTATUS(status);
    std::string out = "exited with status " + std::to_string(code);
    // A shell between us and the server reports the server's death by signal N as 128+N.
    if (code > 128 && code < 128 + 65) out += ", as a shell reports a child killed by signal " + signal_name(code - 128);
    return out;
  }
  if (WIFSIGNALED(status)) {
    std::string out = "killed by signal " + signal_name(WTERMSIG(status));
    if (WCOREDUMP(status)) out += ", core dumped";
    return out;
  }
  return "stopped with wait status " + std::to_string(status);
}

Supervisor::Supervisor(Profile profile, SupervisorOptions options)
    : profile_(std::move(profile)), options_(std::move(options)), run_dir_(options_.run_dir) {}

Supervisor::~Supervisor() {
  stop();
  if (own_run_dir_) {
    std::error_code ec;
    std::filesystem::remove_all(run_dir_, ec);
  }
}

std::string Supervisor::start() {
  if (pid_ > 0) return "already started";
  exited_ = false;
  status_ = 0;
  std::error_code ec;
  if (run_dir_.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path(ec) / "sah-run-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) return "cannot create a run folder: " + std::string(strerror(errno));
    run_dir_ = tmpl;
    own_run_dir_ = true;
    // Servers that drop privileges (Postfix, Exim) must be able to reach their state folder.
    ::chmod(run_dir_.c_str(), 0711);
  }
  // A fresh state folder per start: nothing left by a crashed predecessor leaks into the next.
  ++starts_;
  state_dir_ = (std::filesystem::path(run_dir_) / (profile_.name + "-" + std::to_string(starts_))).string();
  std::filesystem::remove_all(state_dir_, ec);
  if (!std::filesystem::create_directories(state_dir_, ec))
    return "cannot create the state folder " + state_dir_ + ": " + ec.message();
  log_file_ = (std::filesystem::path(state_dir_) / "server.log").string();
  port_ = free_loopback_port();
  tls_port_ = free_loopback_port();
  while (tls_port_ != 0 && tls_port_ == port_) tls_port_ = free_loopback_port();
  if (port_ == 0 || tls_port_ == 0) {
    stop();
    return "no free loopback port";
  }
  if (std::string error = spawn(); !error.empty()) {
    stop();
    return error;
  }
  if (std::string error = wait_ready(); !error.empty()) {
    stop();
    return error;
  }
  return {};
}

std::string Supervisor::spawn() {
  StartValues values;
  values.state = state_dir_;
  values.port = port_;
  values.tls_port = tls_port_;
  values.harness = options_.harness;
  values.profile = profile_.folder;
  std::vector<std::string> faults = profile_.faults;
  faults.insert(faults.end(), options_.extra_faults.begin(), options_.extra_faults.end());
  auto command = expand_start(profile_.start, values, faults);
  if (!command.ok()) return profile_.name + ": start: " + command.error();

  // The environment: ours plus what a start script may want instead of placeholders. The
  // password travels here rather than on the command line, where `ps` would show it.
  // Inherited variables pass through (SAH_TARGETS_PREFIX, where install scripts put unpacked
  // servers, among them); the run's own values replace any inherited ones of the same name.
  bp::environment env = boost::this_process::environment();
  env["SAH_STATE"] = state_dir_;
  env["SAH_PORT"] = std::to_string(port_);
  env["SAH_TLS_PORT"] = std::to_string(tls_port_);
  env["SAH_USER"] = profile_.user;
  env["SAH_PASSWORD"] = profile_.password;
  env["SAH_TOKEN"] = profile_.token;
  env["SAH_HOSTNAME"] = profile_.hostname;
  // A simple command is exec'ed, so the shell becomes the server and its exit (a signal above
  // all) is seen first hand. A command with shell operators runs under the shell, which then
  // reports a death by signal N as status 128+N (describe_wait_status says so).
  const std::string script = (simple_command(command.value()) ? "exec " : "") + command.value();
  const std::string cwd = profile_.folder.empty() ? std::string(".") : profile_.folder;
  std::error_code ec;
  bp::child child(bp::exe = "/bin/sh", bp::args = {"-c", script}, bp::start_dir = cwd, bp::env = env,
                  bp::std_in < bp::null, (bp::std_out & bp::std_err) > log_file_,
                  bp::extend::on_exec_setup = [](auto&) { become_session_leader(); }, bp::error = ec);
  if (ec) return profile_.name + ": cannot start /bin/sh: " + ec.message();
  // From here the supervisor owns the pid: it reaps it with waitpid and signals its group,
  // which Boost.Process's own wait/terminate (one process, not a group) would not do.
  const pid_t pid = child.id();
  child.detach();
  pid_ = pid;
  exited_ = false;
  status_ = 0;
  return {};
}

std::string Supervisor::wait_ready() {
  const auto deadline = Clock::now() + milliseconds(profile_.ready_timeout_ms);
  const bool implicit = profile_.tls == net::TlsMode::implicit;
  net::TcpTarget t;
  t.host = "127.0.0.1";
  t.port = client_port();
  t.tls = net::TlsMode::none;  // implicit TLS: the TCP connect is the readiness test
  net::TcpConnector connector(t);
  std::string last = "nothing listening";
  for (;;) {
    if (!alive())
        return profile_.name + ": the server " + exit_description() + " before it was ready";
    if (left_until(deadline).count() == 0) break;
    net::Event error;
    auto conn = connector.connect(std::min(left_until(deadline), milliseconds(1000)), error);
    if (conn != nullptr) {
      if (implicit) return {};
      Bytes greeting;
      for (;;) {
        const auto wait = left_until(deadline);
        if (wait.count() == 0) {
          last = greeting.empty() ? "connected, but no greeting" : "greeting line incomplete";
          break;
        }
        net::Event e = conn->receive(wait, kGreetingMax - greeting.size());
        if (e.kind != net::Event::Kind::data) {
          last = e.kind == net::Event::Kind::timeout
                     ? std::string(greeting.empty() ? "connected, but no greeting" : "greeting line incomplete")
                     : "connected, then " + std::string(net::to_string(e.kind)) + " before a greeting";
          break;
        }
        greeting += e.data;
        if (greeting.find('\n') != Bytes::npos || greeting.size() >= kGreetingMax) {
          if (greeting.rfind("220 ", 0) == 0 || greeting.rfind("220-", 0) == 0) {
            conn->close();
            return {};
          }
          last = "greeted with '" + greeting.substr(0, std::min<std::size_t>(greeting.find_first_of("\r\n"), 80)) +
                 "' instead of 220";
          break;
        }
      }
      conn->close();
    } else {
      last = error.what.empty() ? std::string(net::to_string(error.kind)) : error.what;
    }
    std::this_thread::sleep_for(std::min(left_until(deadline), milliseconds(50)));
  }
  return profile_.name + ": not ready within " + std::to_string(profile_.ready_timeout_ms) + " ms on 127.0.0.1:" +
         std::to_string(client_port()) + " (" + last + ")";
}

bool Supervisor::reap(bool block) {
  if (pid_ <= 0 || exited_) return exited_;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    exited_ = true;
    status_ = status;
  } else if (r < 0 && errno == ECHILD) {
    exited_ = true;  // reaped elsewhere: gone, status unknown
    status_ = 0;
  }
  return exited_;
}

bool Supervisor::alive() { return pid_ > 0 && !reap(false); }

bool Supervisor::wait_exit(milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (alive()) {
    if (left_until(deadline).count() == 0) return false;
    std::this_thread::sleep_for(std::min(left_until(deadline), milliseconds(10)));
  }
  return true;
}

bool Supervisor::group_alive() const {
  if (pid_ <= 0) return false;
  if (::kill(-pid_, 0) != 0 && errno == ESRCH) return false;
  return pgrp_has_live_member(pid_);
}

std::string Supervisor::exit_description() const {
  if (exited_) return describe_wait_status(status_);
  return pid_ > 0 ? "running" : "not started";
}

void Supervisor::stop() {
  if (pid_ > 0) {
    // SIGTERM first, always: servers stop their own helpers in order (the shared facts:
    // every target stopped within 0.2 s); only what is left after the grace period is killed.
    ::kill(-pid_, SIGTERM);
    const auto deadline = Clock::now() + options_.stop_grace;
    for (;;) {
      reap(false);
      if (!group_alive()) break;
      if (left_until(deadline).count() == 0) {
        ::kill(-pid_, SIGKILL);
        break;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    reap(true);
    // After SIGKILL: wait (bounded) until the kernel has taken the rest of the group down.
    const auto kill_deadline = Clock::now() + milliseconds(2000);
    while (group_alive() && left_until(kill_deadline).count() > 0) std::this_thread::sleep_for(milliseconds(10));
  }
  if (!log_file_.empty()) last_log_ = read_log_tail();
  if (!state_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(state_dir_, ec);
  }
  // exited_ and status_ stay for exit_description(); the pid is gone, never signal it again.
  log_file_.clear();
  state_dir_.clear();
  pid_ = -1;
}

std::string Supervisor::restart() {
  stop();
  return start();
}

std::vector<std::string> Supervisor::log_tail() {
  if (log_file_.empty()) return last_log_;
  return read_log_tail();
}

std::vector<std::string> Supervisor::read_log_tail() const {
  std::vector<std::string> lines;
  std::ifstream in(log_file_, std::ios::binary);
  if (!in) return lines;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff from = size > static_cast<std::streamoff>(kLogTailBytes)
                                  ? size - static_cast<std::streamoff>(kLogTailBytes)
                                  : 0;
  in.seekg(from);
  std::string text(static_cast<std::size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  std::size_t pos = 0;
  if (from > 0) {  // the first line is cut: drop it
    const auto nl = text.find('\n');
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, std::min(nl - pos, kLogLineMax));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    pos = nl + 1;
  }
  if (lines.size() > options_.log_lines)
    lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(options_.log_lines));
  return lines;
}

}  // namespace sah::target
