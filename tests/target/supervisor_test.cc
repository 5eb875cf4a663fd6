// The supervisor against real child processes: the built-in server (`smtp-auth-harness serve`,
// built beside this test) with and without its crash fault, and small shell commands that
// never greet, exit early, or leave a grandchild behind.
#include "harness/target/supervisor.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "harness/net/tcp_connector.h"

namespace sah::target {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

std::string harness_binary() { return std::string(SAH_BINARY_DIR) + "/harness/smtp-auth-harness"; }

// A live process (a zombie is dead, only not reaped yet by whoever is its parent now).
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  const auto paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

bool gone_within(pid_t pid, milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (running(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

Profile shell_profile(const std::string& start, std::uint32_t ready_ms = 10000) {
  Profile p;
  p.name = "t";
  p.start = start;
  p.ready_timeout_ms = ready_ms;
  return p;
}

Profile builtin_profile(std::vector<std::string> faults = {}) {
  Profile p = shell_profile("{harness} serve --listen 127.0.0.1:{port} --account \"$SAH_USER:$SAH_PASSWORD\"");
  p.name = "builtin";
  p.user = "alice";
  p.password = "s3cret!";
  p.faults = std::move(faults);
  return p;
}

SupervisorOptions options() {
  SupervisorOptions o;
  o.harness = harness_binary();
  return o;
}

// The first reply line of a new connection to the server, or what happened instead.
std::string greeting(std::uint16_t port) {
  net::TcpTarget t;
  t.host = "127.0.0.1";
  t.port = port;
  net::TcpConnector connector(t);
  net::Event error;
  auto conn = connector.connect(milliseconds(3000), error);
  if (conn == nullptr) return "connect failed: " + error.what;
  Bytes got;
  while (got.find('\n') == Bytes::npos) {
    net::Event e = conn->receive(milliseconds(3000), 4096);
    if (e.kind != net::Event::Kind::data) return got + "[" + std::string(net::to_string(e.kind)) + "]";
    got += e.data;
  }
  return got.substr(0, got.find('\r'));
}

#define REQUIRE_HARNESS_BINARY()                                                   \
  if (!fs::exists(harness_binary())) GTEST_SKIP() << "build smtp-auth-harness first"

TEST(Supervisor, StartsTheBuiltinServerAndStopsItCleanly) {
  REQUIRE_HARNESS_BINARY();
  Supervisor s(builtin_profile(), options());
  ASSERT_EQ(s.start(), "");
  EXPECT_TRUE(s.alive());
  EXPECT_EQ(s.exit_description(), "running");
  EXPECT_NE(s.port(), 0);
  EXPECT_NE(s.port(), s.tls_port());
  EXPECT_EQ(greeting(s.port()).substr(0, 4), "220 ");
  const std::string state = s.state_dir();
  const pid_t pid = s.pid();
  EXPECT_TRUE(fs::is_directory(state));
  EXPECT_TRUE(fs::exists(fs::path(state) / "server.log"));
  s.stop();
  EXPECT_FALSE(running(pid));
  EXPECT_FALSE(fs::exists(state)) << "state folder left behind";
  EXPECT_EQ(s.exit_description().find("killed by signal"), std::string::npos)
      << "serve stops on SIGTERM by itself: " << s.exit_description();
  // The log outlives the state folder, for the report.
  bool listening = false;
  for (const auto& line : s.log_tail()) listening = listening || line.find("listening on") != std::string::npos;
  EXPECT_TRUE(listening);
}

// The key scenario: the crash fault aborts the server on an over-long AUTH line; the
// supervisor sees the signal, keeps the last log lines, and a restart serves again.
TEST(Supervisor, CrashIsSeenAndRestartServesAgain) {
  REQUIRE_HARNESS_BINARY();
  Supervisor s(builtin_profile({"long-line-crash"}), options());
  ASSERT_EQ(s.start(), "");
  const std::string first_state = s.state_dir();
  {
    net::TcpTarget t;
    t.host = "127.0.0.1";
    t.port = s.port();
    net::TcpConnector connector(t);
    net::Event error;
    auto conn = connector.connect(milliseconds(3000), error);
    ASSERT_NE(conn, nullptr) << error.what;
    ASSERT_EQ(conn->receive(milliseconds(3000), 4096).kind, net::Event::Kind::data);
    ASSERT_TRUE(conn->send("EHLO t\r\n", milliseconds(3000)).is_ok());
    ASSERT_EQ(conn->receive(milliseconds(3000), 4096).kind, net::Event::Kind::data);
    ASSERT_TRUE(conn->send("AUTH PLAIN " + std::string(5000, 'A') + "\r\n", milliseconds(3000)).is_ok());
    // The server dies: the connection ends without a reply.
    net::Event e = conn->receive(milliseconds(5000), 4096);
    EXPECT_NE(e.kind, net::Event::Kind::data) << e.data;
  }
  ASSERT_TRUE(s.wait_exit(milliseconds(5000)));
  EXPECT_FALSE(s.alive());
  EXPECT_EQ(s.exit_description().rfind("killed by signal 6 (SIGABRT)", 0), 0u) << s.exit_description();
  const auto log = s.log_tail();
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.front().find("listening on"), std::string::npos) << log.front();

  ASSERT_EQ(s.restart(), "");
  EXPECT_FALSE(fs::exists(first_state)) << "the crashed server's folder is removed";
  EXPECT_NE(s.state_dir(), first_state) << "a fresh state folder per start";
  EXPECT_TRUE(s.alive());
  EXPECT_EQ(greeting(s.port()).substr(0, 4), "220 ");
}

TEST(Supervisor, NeverGreetingChildIsAReadinessErrorAndIsKilled) {
  // `sleep 30` listens on nothing; the readiness wait must end at ready_timeout_ms.
  Supervisor s(shell_profile("sleep 30", 500), options());
  const auto t0 = std::chrono::steady_clock::now();
  const std::string error = s.start();
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_NE(error.find("not ready within 500 ms"), std::string::npos) << error;
  EXPECT_LT(took, milliseconds(5000));
  EXPECT_FALSE(s.alive());
  EXPECT_EQ(s.pid(), -1);
  EXPECT_TRUE(fs::is_empty(s.run_dir())) << "state folder left behind";
}

TEST(Supervisor, ListenerThatNeverGreetsIsNotReady) {
  // Accepts connections but says nothing: connected is not ready (the greeting is the test).
  Supervisor s(shell_profile("exec python3 -c 'import socket,time; s=socket.socket(); "
                             "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
                             "s.bind((\"127.0.0.1\", {port})); s.listen(); time.sleep(30)'",
                             800),
               options());
  const std::string error = s.start();
  EXPECT_NE(error.find("not ready within 800 ms"), std::string::npos) << error;
  EXPECT_NE(error.find("no greeting"), std::string::npos) << error;
  EXPECT_FALSE(s.alive());
}

TEST(Supervisor, EarlyExitIsReportedWithStatusAndLog) {
  Supervisor s(shell_profile("echo 'config error: no such user' >&2; exit 3"), options());
  const std::string error = s.start();
  EXPECT_NE(error.find("exited with status 3 before it was ready"), std::string::npos) << error;
  const auto log = s.log_tail();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0], "config error: no such user");
}

TEST(Supervisor, StopKillsTheWholeGroupIncludingAGrandchild) {
  // The server leaves a grandchild that ignores SIGTERM: SIGKILL to the group after the grace
  // period must take it down too. The start command runs from the profile folder, and the
  // environment carries the state folder.
  REQUIRE_HARNESS_BINARY();
  Profile p = builtin_profile();
  p.start = "sh -c 'trap \"\" TERM; while :; do sleep 1; done' & echo $! > \"$SAH_STATE/grandchild.pid\"; " + p.start;
  SupervisorOptions o = options();
  o.stop_grace = milliseconds(300);
  Supervisor s(p, o);
  ASSERT_EQ(s.start(), "");
  pid_t grandchild = 0;
  std::ifstream(fs::path(s.state_dir()) / "grandchild.pid") >> grandchild;
  ASSERT_GT(grandchild, 0);
  ASSERT_TRUE(running(grandchild));
  EXPECT_EQ(getpgid(grandchild), s.pid()) << "the grandchild is in the server's process group";
  EXPECT_NE(getpgid(grandchild), getpgid(0)) << "and not in ours";
  const pid_t child = s.pid();
  const auto t0 = std::chrono::steady_clock::now();
  s.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(4000));
  EXPECT_FALSE(running(child));
  EXPECT_TRUE(gone_within(grandchild, milliseconds(2000))) << "grandchild " << grandchild << " survived";
}

TEST(Supervisor, RunFolderItCreatedIsRemovedOnDestruction) {
  std::string run_dir;
  {
    Supervisor s(shell_profile("exit 0", 300), options());
    EXPECT_NE(s.start(), "");
    run_dir = s.run_dir();
    ASSERT_FALSE(run_dir.empty());
    EXPECT_TRUE(fs::is_directory(run_dir));
  }
  EXPECT_FALSE(fs::exists(run_dir));
}

TEST(Supervisor, GivenRunFolderIsKeptButStateFoldersGo) {
  const fs::path run = fs::temp_directory_path() / ("sah-sup-test-" + std::to_string(::getpid()));
  fs::create_directories(run);
  {
    SupervisorOptions o = options();
    o.run_dir = run.string();
    Supervisor s(shell_profile("sleep 30", 200), o);
    EXPECT_NE(s.start(), "");
  }
  EXPECT_TRUE(fs::is_directory(run));
  EXPECT_TRUE(fs::is_empty(run));
  fs::remove_all(run);
}

TEST(Supervisor, BadStartCommandPlaceholder) {
  Supervisor s(shell_profile("run {nope}"), options());
  const std::string error = s.start();
  EXPECT_NE(error.find("unknown placeholder {nope}"), std::string::npos) << error;
}

TEST(Supervisor, LogTailKeepsTheLastLines) {
  SupervisorOptions o = options();
  o.log_lines = 3;
  Supervisor s(shell_profile("for i in 1 2 3 4 5 6; do echo line$i; done; exit 1"), o);
  EXPECT_NE(s.start(), "");
  EXPECT_EQ(s.log_tail(), (std::vector<std::string>{"line4", "line5", "line6"}));
}

TEST(WaitStatus, DescribesExitAndSignal) {
  // Linux encodings: exit code in bits 8-15, terminating signal in bits 0-6.
  EXPECT_EQ(describe_wait_status(3 << 8), "exited with status 3");
  EXPECT_EQ(describe_wait_status(SIGABRT), "killed by signal 6 (SIGABRT)");
  EXPECT_EQ(describe_wait_status(SIGKILL), "killed by signal 9 (SIGKILL)");
  EXPECT_EQ(describe_wait_status(134 << 8), "exited with status 134, as a shell reports a child killed by signal 6 (SIGABRT)");
  EXPECT_EQ(describe_wait_status(128 << 8), "exited with status 128");
}

TEST(FreePort, IsNonZeroAndBindable) {
  const std::uint16_t port = free_loopback_port();
  EXPECT_NE(port, 0);
}

}  // namespace
}  // namespace sah::target
