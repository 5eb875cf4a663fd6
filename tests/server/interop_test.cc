// Independent SMTP AUTH clients (swaks, Python's smtplib, the gsasl CLI) against the in-process
// acceptor, over cleartext, STARTTLS and implicit TLS. Each row authenticates with the right
// password (must succeed) and with a wrong one (must fail), so a server that accepted anything
// would fail the matrix too.
//
// The whole matrix runs with Config::faults empty: it is the evidence that no fault switch
// changes behaviour when it is off, since clients written by others accept the server as is.
//
// Two clients need a documented setting (not a fault) to interoperate at all:
//  - NTLM: swaks (Perl Authen::NTLM) and gsasl (libntlm) only compute NTLMv1 responses
//    (24-octet NtChallengeResponse). A correct server refuses those (NTLM-14), so the NTLM rows
//    run with the legacy switch Config::ntlm_accept_v1 on; without it they could only show a
//    refusal. NtlmV1RefusedByDefault proves the default server answers swaks' NTLMv1 with 535.
//  - gsasl SCRAM without -PLUS: gsasl 2.2 hands any TLS channel binding it has (tls-exporter
//    under TLS 1.3, tls-unique under 1.2) to libgsasl, whose non-PLUS SCRAM client then records
//    the binding name together with the gs2 flag `y` and its own message printer refuses that
//    header: gsasl_step fails with GSASL_AUTHENTICATION_ERROR ("Error authenticating user")
//    right after the empty 334, before sending anything, whatever the TLS version. These rows
//    pass --no-cb, with which gsasl sends the gs2 header "n,," (no binding support claimed),
//    which a server advertising -PLUS rightly accepts (RFC 5802 §6 refuses only `y`).
//  - gsasl SCRAM-*-PLUS: gsasl binds with tls-exporter (RFC 9266) on TLS 1.3 and with
//    tls-unique on TLS 1.2; tls-unique is not defined for TLS 1.3 and our server does not
//    implement it (RFC 9266 §1), so these rows pin TLS 1.3 with --priority.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/sasl/registry.h"
#include "harness/server/acceptor.h"
#include "harness/server/tls_context.h"

extern char** environ;

namespace sah::server {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUser = "alice";
constexpr const char* kPassword = "wonderland";
constexpr const char* kWrongPassword = "looking-glass";

struct ChildResult {
  bool started = false;
  bool timed_out = false;
  int exit_code = -1;  // -1 when killed by a signal
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] from PATH with stdin from /dev/null, for at most `timeout`.
ChildResult run_child(const std::vector<std::string>& argv, std::chrono::seconds timeout = 30s) {
  ChildResult r;
  char out_path[] = "/tmp/sah-interop-XXXXXX";
  int out_fd = mkstemp(out_path);
  if (out_fd < 0) return r;
  close(out_fd);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path, O_WRONLY | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc == 0) {
    r.started = true;
    auto until = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
      pid_t done = waitpid(pid, &status, WNOHANG);
      if (done == pid) break;
      if (std::chrono::steady_clock::now() > until) {
        r.timed_out = true;
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  }
  std::ifstream in(out_path, std::ios::binary);
  r.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::remove(out_path);
  return r;
}

bool on_path(const std::string& tool) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    auto colon = dirs.find(':', start);
    if (colon == std::string::npos) colon = dirs.size();
    std::string candidate = dirs.substr(start, colon - start) + "/" + tool;
    if (access(candidate.c_str(), X_OK) == 0) return true;
    start = colon + 1;
  }
  return false;
}

// The Perl module swaks needs for a mechanism or for TLS, and the Debian package that has it.
bool perl_module_present(const std::string& module) {
  static std::map<std::string, bool> cache;
  auto it = cache.find(module);
  if (it != cache.end()) return it->second;
  auto r = run_child({"perl", "-M" + module, "-e", "1"}, 20s);
  return cache[module] = (r.exit_code == 0);
}

enum class Transport { cleartext, starttls, implicit };

std::string to_string(Transport t) {
  switch (t) {
    case Transport::cleartext: return "cleartext";
    case Transport::starttls: return "starttls";
    case Transport::implicit: return "implicit";
  }
  return "?";
}

enum class Tool { swaks, python, gsasl };

std::string to_string(Tool t) {
  switch (t) {
    case Tool::swaks: return "swaks";
    case Tool::python: return "smtplib";
    case Tool::gsasl: return "gsasl";
  }
  return "?";
}

struct Row {
  Tool tool;
  std::string mech;
  Transport transport;
};

// NTLM clients here are NTLMv1-only: their rows need the server's legacy switch (see the top).
bool needs_ntlmv1(const Row& row) { return row.mech == "NTLM"; }

// Shown by gtest (and ctest's test list) instead of the row's bytes.
void PrintTo(const Row& row, std::ostream* os) {
  *os << to_string(row.tool) << ' ' << row.mech << ' ' << to_string(row.transport);
}

std::string row_name(const ::testing::TestParamInfo<Row>& info) {
  std::string name = to_string(info.param.tool) + "_" + info.param.mech + "_" + to_string(info.param.transport);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

// Python's smtplib: STARTTLS and SMTP_SSL verify the server against the generated
// certificate; LOGIN is run without an initial response (smtplib sends the user name as an
// initial response by default, which a strictly server-first LOGIN refuses).
constexpr const char* kPythonClient = R"PY(
import smtplib, ssl, sys
port, transport, mech, user, password, cafile = sys.argv[1:7]
ctx = ssl.create_default_context(cafile=cafile)
if transport == "implicit":
    s = smtplib.SMTP_SSL("127.0.0.1", int(port), timeout=20, context=ctx)
else:
    s = smtplib.SMTP("127.0.0.1", int(port), timeout=20)
s.ehlo()
if transport == "starttls":
    s.starttls(context=ctx)
    s.ehlo()
s.user, s.password = user, password
method = {"PLAIN": s.auth_plain, "LOGIN": s.auth_login, "CRAM-MD5": s.auth_cram_md5}[mech]
try:
    code, text = s.auth(mech, method, initial_response_ok=(mech == "PLAIN"))
except smtplib.SMTPAuthenticationError as e:
    code, text = e.smtp_code, e.smtp_error
print("AUTH", mech, "->", code, text.decode(errors="replace"))
s.quit()
sys.exit(0 if code == 235 else 3)
)PY";

std::vector<std::string> swaks_command(std::uint16_t port, const std::string& mech, Transport transport,
                                       const std::string& password) {
  std::vector<std::string> argv = {"swaks",       "--server",     "127.0.0.1", "--port",    std::to_string(port),
                                   "--auth",      mech,           "--auth-user", kUser,     "--auth-password",
                                   password,      "--quit-after", "AUTH",      "--timeout", "20",
                                   "--helo",      "client.example"};
  if (transport == Transport::starttls) argv.push_back("--tls");
  if (transport == Transport::implicit) argv.push_back("--tlsc");
  return argv;
}

class InteropNoFaults : public ::testing::TestWithParam<Row> {
 protected:
  void SetUp() override {
    const Row& row = GetParam();
    if (sasl::find_mechanism(row.mech) == nullptr) GTEST_SKIP() << "mechanism not registered: " << row.mech;
    if (row.mech.ends_with("-PLUS") && row.transport == Transport::cleartext)
      GTEST_SKIP() << "a -PLUS mechanism needs TLS (RFC 5802 §6)";
    switch (row.tool) {
      case Tool::swaks:
        if (!on_path("swaks")) GTEST_SKIP() << "swaks not installed (Debian package swaks)";
        if (auto missing = missing_perl_module(); !missing.empty()) GTEST_SKIP() << missing;
        break;
      case Tool::python:
        if (!on_path("python3")) GTEST_SKIP() << "python3 not installed";
        break;
      case Tool::gsasl:
        if (!on_path("gsasl")) GTEST_SKIP() << "gsasl not installed (Debian package gsasl)";
        if (row.transport == Transport::implicit)
          GTEST_SKIP() << "gsasl 2.2 has no implicit-TLS mode: --connect always starts in cleartext and "
                          "can only negotiate STARTTLS";
        break;
    }

    tls_ = TlsContext::self_signed("127.0.0.1").value();
    char dir[] = "/tmp/sah-interop-cert-XXXXXX";
    dir_ = mkdtemp(dir);
    cert_file_ = dir_ + "/server.pem";
    ASSERT_EQ(tls_->write_certificate_pem(cert_file_), "");

    Config cfg;
    // DIGEST-MD5 checks digest-uri "smtp/<host>" (RFC 2831 §2.1.2) against the server's name,
    // and every client here connects to 127.0.0.1.
    cfg.hostname = "127.0.0.1";
    cfg.accounts.push_back({kUser, kPassword, {}});
    cfg.implicit_tls = row.transport == Transport::implicit;
    cfg.ntlm_accept_v1 = needs_ntlmv1(row);
    cfg.extra_mechanisms = {"DIGEST-MD5"};  // off by default (RFC 6331, CAP-10); these clients still speak it
    ASSERT_TRUE(cfg.faults.empty());
    AcceptorOptions options;
    options.threads = 2;
    server_ = std::make_unique<Acceptor>(cfg, tls_, options);
    auto port = server_->start();
    ASSERT_TRUE(port.ok()) << port.error();
    port_ = *port;
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // Why this swaks row cannot run (a Perl module it needs is missing), or empty.
  std::string missing_perl_module() const {
    const Row& row = GetParam();
    std::vector<std::pair<std::string, std::string>> needed;  // module, Debian package
    if (row.transport != Transport::cleartext) {
      needed.emplace_back("IO::Socket::SSL", "libio-socket-ssl-perl");
      needed.emplace_back("Net::SSLeay", "libnet-ssleay-perl");
    }
    if (row.mech == "CRAM-MD5") needed.emplace_back("Digest::HMAC_MD5", "libdigest-hmac-perl");
    if (row.mech == "DIGEST-MD5") needed.emplace_back("Authen::SASL", "libauthen-sasl-perl");
    if (row.mech == "NTLM") needed.emplace_back("Authen::NTLM", "libauthen-ntlm-perl");
    for (const auto& [module, package] : needed) {
      if (!perl_module_present(module))
        return "swaks needs the Perl module " + module + " (Debian package " + package + ")";
    }
    return {};
  }

  std::vector<std::string> command(const std::string& password) const {
    const Row& row = GetParam();
    const std::string port = std::to_string(port_);
    switch (row.tool) {
      case Tool::swaks:
        return swaks_command(port_, row.mech, row.transport, password);
      case Tool::python:
        return {"python3", "-c", kPythonClient, port, to_string(row.transport), row.mech, kUser, password, cert_file_};
      case Tool::gsasl: {
        std::vector<std::string> argv = {"gsasl", "--smtp", "--connect", "127.0.0.1:" + port, "--mechanism",
                                         row.mech, "--authentication-id", kUser, "--password", password,
                                         "--hostname", "127.0.0.1", "--realm", "127.0.0.1"};
        if (row.transport == Transport::cleartext) argv.push_back("--no-starttls");
        if (row.transport == Transport::starttls) {
          argv.push_back("--starttls");
          argv.push_back("--x509-ca-file=" + cert_file_);
          // libgsasl 2.2's non-PLUS SCRAM client fails on its own side when given a channel
          // binding; without one it sends "n,," (see the top of this file).
          if (row.mech.starts_with("SCRAM-") && !row.mech.ends_with("-PLUS")) argv.push_back("--no-cb");
          // tls-exporter exists on TLS 1.3 only for gsasl (it binds with tls-unique on 1.2).
          if (row.mech.ends_with("-PLUS")) argv.push_back("--priority=NORMAL:-VERS-ALL:+VERS-TLS1.3");
        }
        return argv;
      }
    }
    return {};
  }

  std::shared_ptr<TlsContext> tls_;
  std::unique_ptr<Acceptor> server_;
  std::string dir_;
  std::string cert_file_;
  std::uint16_t port_ = 0;
};

// A 235 line in the client's transcript, in whatever way the tool shows the server's replies.
bool saw_235(const std::string& output) {
  return output.find("235 ") != std::string::npos || output.find("-> 235") != std::string::npos;
}

TEST_P(InteropNoFaults, RightPasswordAuthenticates) {
  auto r = run_child(command(kPassword));
  ASSERT_TRUE(r.started);
  EXPECT_FALSE(r.timed_out) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(saw_235(r.output)) << r.output;
}

// The server's own refusal in the transcript: 535, or SCRAM's "e=invalid-proof" (RFC 5802 §7,
// Base64 "ZT1pbnZhbGlkLXByb29m"), after which gsasl gives up without answering. Without this,
// a client failing on its own side before the server ever judged the password would pass.
bool saw_refusal(const std::string& output) {
  return output.find("535 ") != std::string::npos || output.find("-> 535") != std::string::npos ||
         output.find("334 ZT1pbnZhbGlkLXByb29m") != std::string::npos;
}

TEST_P(InteropNoFaults, WrongPasswordIsRefused) {
  auto r = run_child(command(kWrongPassword));
  ASSERT_TRUE(r.started);
  EXPECT_FALSE(r.timed_out) << r.output;
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_FALSE(saw_235(r.output)) << r.output;
  EXPECT_TRUE(saw_refusal(r.output)) << r.output;
}

// The other side of the NTLM rows' legacy switch: the default server refuses swaks' NTLMv1
// response, with the right password, as 535 (NTLM-14), and never says 235.
TEST(InteropDefaults, SwaksNtlmV1RefusedByDefaultServer) {
  if (!on_path("swaks")) GTEST_SKIP() << "swaks not installed (Debian package swaks)";
  if (!perl_module_present("Authen::NTLM"))
    GTEST_SKIP() << "swaks needs the Perl module Authen::NTLM (Debian package libauthen-ntlm-perl)";
  Config cfg;
  cfg.hostname = "127.0.0.1";
  cfg.accounts.push_back({kUser, kPassword, {}});
  ASSERT_FALSE(cfg.ntlm_accept_v1) << "the default must refuse NTLMv1";
  AcceptorOptions options;
  options.threads = 1;
  Acceptor server(cfg, TlsContext::self_signed("127.0.0.1").value(), options);
  auto port = server.start();
  ASSERT_TRUE(port.ok()) << port.error();
  auto r = run_child(swaks_command(*port, "NTLM", Transport::cleartext, kPassword));
  server.stop();
  ASSERT_TRUE(r.started);
  EXPECT_FALSE(r.timed_out) << r.output;
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("535 "), std::string::npos) << r.output;
  EXPECT_FALSE(saw_235(r.output)) << r.output;
}

std::vector<Row> matrix() {
  std::vector<Row> rows;
  const Transport all[] = {Transport::cleartext, Transport::starttls, Transport::implicit};
  for (Transport t : all) {
    for (const char* m : {"PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "NTLM"}) rows.push_back({Tool::swaks, m, t});
    for (const char* m : {"PLAIN", "LOGIN", "CRAM-MD5"}) rows.push_back({Tool::python, m, t});
    for (const char* m : {"PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "NTLM", "SCRAM-SHA-1", "SCRAM-SHA-256",
                          "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS"})
      rows.push_back({Tool::gsasl, m, t});
  }
  return rows;
}

INSTANTIATE_TEST_SUITE_P(Clients, InteropNoFaults, ::testing::ValuesIn(matrix()), row_name);

}  // namespace
}  // namespace sah::server
