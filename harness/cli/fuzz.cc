// `smtp-auth-harness fuzz`: live-server fuzzing (harness/scenario/fuzz/). Structure-aware
// sessions against the built-in server in-process (the default: a fresh server per session,
// virtual time), a server at --target HOST:PORT, or a supervised --profile (restarted after a
// crash or hang). Each new finding is minimised and written as a scenario file to
// --out DIR/findings/<kind>-<hash>.scn, which `run --scenarios DIR/findings` and `replay FILE`
// execute. Prints sessions per second. Exit: 0 no finding, 1 findings, 2 usage or unreachable.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/rand.h>

#include "harness/cli/commands.h"
#include "harness/codec/base64.h"
#include "harness/net/tcp_connector.h"
#include "harness/scenario/builtin_target.h"
#include "harness/scenario/catalogue.h"
#include "harness/scenario/fuzz/fuzz_loop.h"
#include "harness/scenario/template.h"
#include "harness/server/faults.h"
#include "harness/target/profile.h"
#include "harness/target/supervisor.h"

namespace sah::cli {
namespace {

struct FuzzOptions {
  std::string target, profile, tls, ca_file;
  bool insecure = false;
  std::string user, password, password_env, token;
  std::string mech;
  unsigned time_sec = 0;
  std::uint64_t sessions = 0;
  std::uint64_t seed = 0;
  unsigned jobs = 1;
  std::string out = "fuzz-out";
  unsigned timeout_sec = 2;
  std::vector<std::string> faults;
  std::size_t max_per_kind = 3;
  std::size_t minimize_tries = 200;
  unsigned scram_iterations = 64;
};

std::atomic<bool> g_stop{false};
extern "C" void on_fuzz_sigint(int) { g_stop.store(true); }

int usage(const std::string& message) {
  std::fprintf(stderr, "smtp-auth-harness fuzz: %s\n", message.c_str());
  return 2;
}

std::string random_secret() {
  unsigned char raw[18];
  if (RAND_bytes(raw, sizeof raw) != 1) return {};
  return codec::base64_encode(BytesView(reinterpret_cast<const char*>(raw), sizeof raw));
}

std::uint64_t random_seed() {
  unsigned char raw[4];
  std::uint64_t s = 0;
  if (RAND_bytes(raw, sizeof raw) == 1)
    for (unsigned char b : raw) s = (s << 8) | b;
  return s == 0 ? 1 : s;
}

std::string resolve_profile(const std::string& given) {
  std::error_code ec;
  if (given.find('/') != std::string::npos) return given;
  const auto under_targets = std::filesystem::path("targets") / given;
  return std::filesystem::exists(under_targets, ec) ? under_targets.string() : given;
}

std::string own_executable() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

int fuzz_command(FuzzOptions o) {
  if (!o.profile.empty() && !o.target.empty()) return usage("--target and --profile exclude each other");
  std::optional<target::Profile> profile;
  if (!o.profile.empty()) {
    auto loaded = target::load_profile(resolve_profile(o.profile));
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", target::format(loaded.error()).c_str());
      return 2;
    }
    profile = std::move(loaded.value());
    if (o.tls.empty()) o.tls = std::string(net::to_string(profile->tls));
    if (o.user.empty()) o.user = profile->user;
    if (o.password.empty() && o.password_env.empty()) o.password = profile->password;
    if (o.token.empty()) o.token = profile->token;
    o.jobs = 1;  // a server death is charged to the session that caused it
  }
  const bool builtin = o.target.empty() && !profile;
  // In-process as `run` does (STARTTLS), so that `run` on a finding meets the same server.
  if (o.tls.empty()) o.tls = builtin ? "starttls" : "none";
  const auto tls = net::parse_tls_mode(o.tls);
  if (!tls) return usage("--tls wants none, starttls or implicit, got '" + o.tls + "'");
  if (!o.password_env.empty()) {
    if (!o.password.empty()) return usage("--password and --password-env exclude each other");
    const char* value = std::getenv(o.password_env.c_str());
    if (value == nullptr) return usage("environment variable " + o.password_env + " is not set");
    o.password = value;
  }
  if (!o.faults.empty() && !builtin && !profile) return usage("--fault applies to the built-in server only");
  for (const auto& f : o.faults)
    if (server::find_fault(f) == nullptr) return usage("unknown fault '" + f + "' (serve --list-faults lists them)");
  if (o.sessions == 0 && o.time_sec == 0) o.sessions = 10000;
  if (o.seed == 0) o.seed = random_seed();

  scenario::fuzz::LoopOptions loop;
  scenario::InterpreterOptions& in = loop.executor.interpreter;
  in.tls = *tls;
  in.timeout = std::chrono::milliseconds(std::chrono::seconds(o.timeout_sec));
  in.expand = scenario::expand;
  in.credentials.user = o.user;
  in.credentials.password = o.password;
  in.credentials.token = o.token;
  loop.generator.mechanisms = scenario::split_list(o.mech);
  loop.generator.starttls = *tls == net::TlsMode::starttls;
  loop.generator.tls = *tls != net::TlsMode::none;
  loop.seed = o.seed;
  loop.max_sessions = o.sessions;
  loop.max_time = std::chrono::milliseconds(std::chrono::seconds(o.time_sec));
  loop.jobs = o.jobs;
  loop.max_per_kind = o.max_per_kind;
  loop.minimize_tries = o.minimize_tries;
  loop.context.faults = o.faults;
  loop.context.timeout_ms = o.timeout_sec * 1000;
  loop.stop = &g_stop;

  std::shared_ptr<target::Supervisor> supervisor;
  if (builtin) {
    scenario::Credentials& c = in.credentials;
    if (c.user.empty()) c.user = "user";
    if (c.password.empty()) c.password = random_secret();
    c.user2 = "user2";
    c.password2 = random_secret();
    if (c.token.empty()) c.token = random_secret();
    if (c.password.empty() || c.password2.empty() || c.token.empty()) return usage("no randomness for credentials");
    in.host = "harness.localhost";
    in.sleep = [](std::chrono::milliseconds) {};
    server::Config config = scenario::builtin_config(c, *tls, {o.faults.begin(), o.faults.end()});
    // PBKDF2 at 4096 iterations would dominate every SCRAM session; the protocol around it is
    // what is fuzzed (as fuzz/fuzz_server_session.cc does). Findings run by `run` use 4096.
    config.scram_iterations = o.scram_iterations;
    loop.connector_factory = scenario::builtin_connector_factory(std::move(config), o.seed);
    loop.context.target = "the built-in server (in-process)";
  } else if (profile) {
    target::SupervisorOptions so;
    so.harness = own_executable();
    so.extra_faults = o.faults;
    supervisor = std::make_shared<target::Supervisor>(*profile, so);
    if (const std::string error = supervisor->start(); !error.empty()) {
      std::fprintf(stderr, "smtp-auth-harness fuzz: %s\n", error.c_str());
      for (const auto& line : supervisor->log_tail()) std::fprintf(stderr, "  | %s\n", line.c_str());
      return 2;
    }
    in.host = profile->hostname.empty() ? "localhost" : profile->hostname;
    const bool insecure = o.ca_file.empty() && (profile->insecure || o.insecure);
    const std::string ca_file = o.ca_file;
    const net::TlsMode mode = *tls;
    auto sup = supervisor;
    loop.connector_factory = [sup, mode, insecure, ca_file] {
      net::TcpTarget t;
      t.host = "127.0.0.1";
      t.port = mode == net::TlsMode::implicit ? sup->tls_port() : sup->port();
      t.tls = mode;
      t.tls_options.insecure = insecure;
      t.tls_options.ca_file = ca_file;
      return std::make_unique<net::TcpConnector>(std::move(t));
    };
    // A crash or hang: keep the server's last words, start it again for the next session.
    loop.after_finding = [sup](const scenario::fuzz::Finding& f) {
      using K = scenario::fuzz::FindingKind;
      if (f.kind != K::crash && f.kind != K::hang) return;
      sup->wait_exit(std::chrono::milliseconds(500));
      if (sup->alive() && f.kind != K::hang) return;
      if (const std::string error = sup->restart(); !error.empty())
        std::fprintf(stderr, "smtp-auth-harness fuzz: restarting the server failed: %s\n", error.c_str());
    };
    loop.executor.pipelined_wait = std::chrono::milliseconds(std::min<unsigned>(o.timeout_sec * 1000, 200));
    loop.context.target = "profile " + profile->name;
  } else {
    auto t = net::parse_host_port(o.target);
    if (!t.ok()) return usage("--target: " + t.error());
    t->tls = *tls;
    t->tls_options.insecure = o.insecure;
    t->tls_options.ca_file = o.ca_file;
    in.host = t->host;
    const net::TcpTarget target = t.value();
    loop.connector_factory = [target] { return std::make_unique<net::TcpConnector>(target); };
    loop.executor.pipelined_wait = std::chrono::milliseconds(std::min<unsigned>(o.timeout_sec * 1000, 200));
    loop.context.target = o.target;
  }
  if (!builtin && (in.credentials.user.empty() || in.credentials.password.empty()))
    std::fprintf(stderr, "smtp-auth-harness fuzz: no --user/--password: exchanges use empty credentials\n");

  // Unreachable is exit 2, before any session is counted.
  {
    auto probe = loop.connector_factory();
    net::Event error;
    if (!probe->connect(in.timeout, error)) return usage("cannot connect to " + probe->describe() + ": " + error.what);
  }

  const auto findings_dir = std::filesystem::path(o.out) / "findings";
  std::size_t written = 0;
  std::string write_error;
  loop.on_finding = [&](const scenario::fuzz::FoundReport& r) {
    std::printf("finding %s: %s (session %llu, %zu steps)\n", std::string(scenario::fuzz::to_string(r.finding.kind)).c_str(),
                r.finding.rule.c_str(), static_cast<unsigned long long>(r.session), r.plan.steps.size());
    if (!r.render_error.empty()) {
      std::fprintf(stderr, "smtp-auth-harness fuzz: %s\n", r.render_error.c_str());
      return;
    }
    std::error_code ec;
    std::filesystem::create_directories(findings_dir, ec);
    const auto path = findings_dir / r.file_name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << r.scenario;
    out.close();
    if (!out) {
      write_error = path.string() + ": cannot write the file";
      return;
    }
    ++written;
    std::printf("  written to %s\n", path.string().c_str());
    std::fflush(stdout);
  };

  struct sigaction sa = {};
  sa.sa_handler = on_fuzz_sigint;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  struct sigaction previous = {};
  sigaction(SIGINT, &sa, &previous);
  const scenario::fuzz::LoopStats stats = scenario::fuzz::run_fuzz(loop);
  sigaction(SIGINT, &previous, nullptr);

  std::printf("%llu sessions in %.2f s: %.0f sessions/s (seed %llu, %u job%s)\n",
              static_cast<unsigned long long>(stats.sessions), stats.seconds, stats.sessions_per_second(),
              static_cast<unsigned long long>(o.seed), loop.jobs, loop.jobs == 1 ? "" : "s");
  std::printf("%llu session%s with a finding, %zu distinct finding%s written to %s\n",
              static_cast<unsigned long long>(stats.findings), stats.findings == 1 ? "" : "s", written,
              written == 1 ? "" : "s", findings_dir.string().c_str());
  if (stats.harness_errors > 0)
    std::printf("%llu plans the harness could not run (not findings)\n",
                static_cast<unsigned long long>(stats.harness_errors));
  if (!write_error.empty()) return usage(write_error);
  if (stats.sessions > 0 && stats.unreachable == stats.sessions) return usage("the target could not be reached");
  return stats.findings > 0 ? 1 : 0;
}

}  // namespace

Command add_fuzz(CLI::App& root) {
  auto o = std::make_shared<FuzzOptions>();
  CLI::App* app = root.add_subcommand("fuzz", "Fuzz AUTH exchanges against a live server (default: the built-in one, in-process)");
  app->add_option("--target", o->target, "HOST:PORT of the server to fuzz (default: the built-in server, in-process)");
  app->add_option("--profile", o->profile, "a target profile (targets/NAME or DIR): started, watched, restarted after a crash");
  app->add_option("--tls", o->tls, "none, starttls or implicit (default: starttls in-process, none with --target, the profile's with --profile)");
  app->add_flag("--insecure", o->insecure, "do not verify the server's TLS certificate");
  app->add_option("--ca-file", o->ca_file, "PEM file of trusted certificates");
  app->add_option("--user", o->user, "user name of the test account");
  app->add_option("--password", o->password, "its password (prefer --password-env)");
  app->add_option("--password-env", o->password_env, "environment variable holding the password");
  app->add_option("--token", o->token, "OAuth 2.0 bearer token of the test account");
  app->add_option("--mech", o->mech, "mechanisms to exercise (comma separated; default all)");
  app->add_option("--time", o->time_sec, "stop after this many seconds");
  app->add_option("--sessions", o->sessions, "stop after this many sessions (default 10000 when --time is not given)");
  app->add_option("--seed", o->seed, "seed: session i is generated from seed + i (default: random, printed)");
  app->add_option("--jobs", o->jobs, "sessions in parallel (default 1; 1 with --profile)")->check(CLI::Range(1u, 256u));
  app->add_option("--out", o->out, "folder for findings/ (default fuzz-out)");
  app->add_option("--timeout", o->timeout_sec, "seconds each reply is waited for (default 2)")->check(CLI::Range(1u, 3600u));
  app->add_option("--fault", o->faults, "built-in server or a profile running `serve`: turn on a fault switch (repeatable)");
  app->add_option("--max-per-kind", o->max_per_kind, "distinct findings kept per kind (default 3)");
  app->add_option("--minimize-tries", o->minimize_tries, "re-executions spent minimising each finding (default 200)");
  app->add_option("--scram-iterations", o->scram_iterations, "built-in server: SCRAM iteration count (default 64, for speed)");
  return Command{app, [o] { return fuzz_command(*o); }};
}

}  // namespace sah::cli
