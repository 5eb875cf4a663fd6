// `smtp-auth-harness run`: loads the scenario catalogue, selects cases, runs them against a
// target (or, with neither --target nor --profile, against the built-in server: a fresh server
// per case on a free loopback port, or with --in-process through a memory transport, with
// credentials generated per run and never printed), prints
// progress, writes the results, and exits 0 / 1 / 2 as DESIGN.md "Command line" says.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/rand.h>

#include "harness/cli/commands.h"
#include "harness/cli/run_console.h"
#include "harness/cli/version.h"
#include "harness/codec/base64.h"
#include "harness/net/tcp_connector.h"
#include "harness/report/json.h"
#include "harness/report/json_read.h"
#include "harness/report/junit.h"
#include "harness/report/site.h"
#include "harness/scenario/credential_shape.h"
#include "harness/server/faults.h"
#include "harness/scenario/builtin_loopback.h"
#include "harness/scenario/builtin_target.h"
#include "harness/scenario/catalogue.h"
#include "harness/scenario/runner.h"
#include "harness/scenario/template.h"
#include "harness/target/expectations.h"
#include "harness/target/profile.h"
#include "harness/target/supervisor.h"

namespace sah::cli {
namespace {

struct RunOptions {
  std::string target, profile;
  std::string tls;  // empty: starttls in-process, none against --target
  bool insecure = false;
  std::string ca_file;
  std::string user, password, password_env, user2, password2, token;
  std::string mech, cases, tags;
  std::vector<std::string> scenarios;
  std::string report_dir, json_file, junit_file, baseline;
  std::vector<std::string> faults;  // built-in server only: fault switches to turn on
  unsigned jobs = 0;  // 0: the default, kBuiltinJobs for the built-in server over loopback, else 1
  bool in_process = false;  // built-in server without sockets (memory transport, virtual time)
  unsigned timeout_sec = 30;
  std::string fail_on = "must";
  bool submission = false, relay_open = false, optional = false, tls_required = false;
  std::string domain = "harness.example.net";
  std::string host;
  std::uint64_t seed = 0;  // 0: random
  std::string expectations;     // a profile's known deviations; empty: the profile's own file
  bool no_expectations = false;  // judge a profile run by --fail-on alone
};

constexpr unsigned kBuiltinJobs = 16;

std::atomic<bool> g_stop{false};

extern "C" void on_sigint(int) { g_stop.store(true); }

int usage(const std::string& message) {
  std::fprintf(stderr, "smtp-auth-harness run: %s\n", message.c_str());
  return 2;
}

std::string random_secret() {
  unsigned char raw[18];
  if (RAND_bytes(raw, sizeof raw) != 1) return {};
  return codec::base64_encode(BytesView(reinterpret_cast<const char*>(raw), sizeof raw));
}

bool write_file(const std::filesystem::path& path, const std::string& content, std::string& error) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) error = path.string() + ": cannot write the file";
  return static_cast<bool>(out);
}

// Writes --json, --report DIR (results.json and the HTML pages) and --junit.
std::string write_outputs(const RunOptions& o, const RunResult& run) {
  std::string error;
  const std::string json = report::results_json(run);
  if (!o.json_file.empty() && !write_file(o.json_file, json, error)) return error;
  if (!o.report_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.report_dir, ec);
    if (ec) return o.report_dir + ": cannot create the folder: " + ec.message();
    const auto results = std::filesystem::path(o.report_dir) / "results.json";
    if (!write_file(results, json, error)) return error;
    std::unique_ptr<RunResult> baseline;
    if (!o.baseline.empty()) {
      auto b = report::read_results_file(o.baseline);
      if (!b.ok()) return b.error();
      baseline = std::make_unique<RunResult>(std::move(b.value()));
    }
    for (const auto& page : report::render_site({run}, {results.string()}, baseline.get()))
      if (!write_file(std::filesystem::path(o.report_dir) / page.file, page.content, error)) return error;
  }
  if (!o.junit_file.empty() && !write_file(o.junit_file, report::render_junit(run), error)) return error;
  return {};
}

// --profile NAME is targets/NAME (relative to the current folder, like scenarios/); a value
// with a '/' (or an existing folder or file) is taken as it is.
std::string resolve_profile(const std::string& given) {
  std::error_code ec;
  if (given.find('/') != std::string::npos) return given;
  const std::filesystem::path under_targets = std::filesystem::path("targets") / given;
  if (std::filesystem::exists(under_targets, ec)) return under_targets.string();
  return given;
}

// The running executable, for a profile's {harness} (the built-in server as a real target).
std::string own_executable() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

int run_command(RunOptions o) {
  if (!o.profile.empty() && !o.target.empty()) return usage("--target and --profile exclude each other");
  std::optional<target::Profile> profile;
  if (!o.profile.empty()) {
    auto loaded = target::load_profile(resolve_profile(o.profile));
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", target::format(loaded.error()).c_str());
      return 2;
    }
    profile = std::move(loaded.value());
    // The profile supplies what the command line leaves out.
    if (o.tls.empty()) o.tls = std::string(net::to_string(profile->tls));
    if (o.user.empty()) o.user = profile->user;
    if (o.password.empty() && o.password_env.empty()) o.password = profile->password;
    if (o.token.empty()) o.token = profile->token;
    if (o.host.empty()) o.host = profile->hostname;
    o.submission = o.submission || profile->submission;
    o.tls_required = o.tls_required || profile->tls_required;
    if (!o.expectations.empty() && o.no_expectations)
      return usage("--expectations and --no-expectations exclude each other");
    // One case at a time, so that a server death is charged to the case that caused it.
    if (o.jobs > 1) std::fprintf(stderr, "smtp-auth-harness run: --profile runs cases one at a time (--jobs 1)\n");
    if (o.in_process) return usage("--in-process and --profile exclude each other");
    o.jobs = 1;
  }
  const bool builtin = o.target.empty() && !profile;
  if (o.in_process && !builtin) return usage("--in-process applies to the built-in server only (no --target)");
  // Each case against the built-in server has a server of its own, so cases run side by side;
  // the ones that wait for a timeout then overlap instead of adding up.
  if (o.jobs == 0) o.jobs = builtin && !o.in_process ? kBuiltinJobs : 1;
  if (o.tls.empty()) o.tls = builtin ? "starttls" : "none";
  const auto tls = net::parse_tls_mode(o.tls);
  if (!tls) return usage("--tls wants none, starttls or implicit, got '" + o.tls + "'");
  const auto fail_on = parse_severity(o.fail_on);
  if (!fail_on) return usage("--fail-on wants critical, must, should or practice, got '" + o.fail_on + "'");
  if (!o.password_env.empty()) {
    if (!o.password.empty()) return usage("--password and --password-env exclude each other");
    const char* value = std::getenv(o.password_env.c_str());
    if (value == nullptr) return usage("environment variable " + o.password_env + " is not set");
    o.password = value;
  }
  const bool default_catalogue = o.scenarios.empty();
  if (default_catalogue) o.scenarios.push_back("scenarios");
  // Results are never lost: with no output named, the JSON goes to a default file.
  if (o.json_file.empty() && o.report_dir.empty()) o.json_file = "smtp-auth-results.json";
  if (!o.faults.empty() && !builtin && !profile)
    return usage("--fault applies to the built-in server only (use serve --fault)");
  for (const auto& f : o.faults)
    if (server::find_fault(f) == nullptr) return usage("unknown fault '" + f + "' (serve --list-faults lists them)");

  // The catalogue: any error in any file is a bad input file (exit 2).
  scenario::Catalogue catalogue = scenario::load_catalogue(o.scenarios);
  if (catalogue.error_count() > 0) {
    for (const auto& f : catalogue.problems)
      for (const auto& d : f.diagnostics) std::fprintf(stderr, "%s\n", scenario::format(d).c_str());
    return 2;
  }
  // A profile's known deviations (targets/NAME/expectations.txt): every case it names must exist
  // in the catalogue it was written for (a misspelt id would silently never match). A profile's
  // own file describes the shipped catalogue, so a run of other `--scenarios` folders compares
  // only the cases it has; a file named with --expectations is always checked.
  std::optional<target::Expectations> expectations;
  if (profile && !o.no_expectations) {
    std::string path = o.expectations;
    std::error_code ec;
    const auto own = std::filesystem::path(profile->folder) / "expectations.txt";
    if (path.empty() && std::filesystem::exists(own, ec)) path = own.lexically_relative(std::filesystem::current_path(ec)).string();
    if (!path.empty()) {
      auto loaded = target::load_expectations(path);
      if (!loaded.ok()) {
        std::fprintf(stderr, "%s\n", target::format(loaded.error()).c_str());
        return 2;
      }
      const bool check_ids = default_catalogue || !o.expectations.empty();
      for (const auto& d : loaded->deviations) {
        if (!check_ids) break;
        const bool known = std::any_of(catalogue.cases.begin(), catalogue.cases.end(),
                                       [&](const scenario::Case& c) { return c.id == d.case_id; });
        if (!known) {
          std::fprintf(stderr, "%s\n",
                       target::format({path, d.line, d.col, "no case '" + d.case_id + "' in the scenario catalogue"})
                           .c_str());
          return 2;
        }
      }
      expectations = std::move(loaded.value());
    }
  } else if (!o.expectations.empty()) {
    return usage("--expectations applies to --profile runs");
  }

  const auto selection = scenario::make_selection(o.cases, o.tags, o.mech);
  std::vector<scenario::Case> cases;
  for (const scenario::Case* c : scenario::select_cases(catalogue.cases, selection)) cases.push_back(*c);
  if (cases.empty()) return usage("no case matches the selection");

  scenario::RunnerOptions r;
  std::shared_ptr<target::Supervisor> supervisor;  // stops the server on every way out
  scenario::InterpreterOptions& in = r.interpreter;
  in.tls = *tls;
  in.domain = o.domain;
  in.timeout = std::chrono::milliseconds(std::chrono::seconds(o.timeout_sec));
  in.expand = scenario::expand;
  scenario::Credentials& cred = in.credentials;
  cred.user = o.user;
  cred.password = o.password;
  cred.user2 = o.user2;
  cred.password2 = o.password2;
  cred.token = o.token;
  r.seed = o.seed;
  if (r.seed == 0) {
    unsigned char raw[8];
    if (RAND_bytes(raw, sizeof raw) == 1)
      for (unsigned char b : raw) r.seed = (r.seed << 8) | b;
  }

  if (builtin) {
    // The built-in accounts: the given ones, else generated per run (random, never printed).
    if (cred.user.empty()) cred.user = "user";
    if (cred.password.empty()) cred.password = scenario::shaped_password(cred.user, [] {
      // Lengths vary so that some candidates leave a partial last Base64 group, and '?' / '~'
      // at varying offsets are what can encode to '/' or '+' (alphanumerics never do).
      std::string s = random_secret();
      if (s.size() < 24) return std::string();
      const auto pick = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
      s[pick(1) % 20] = '?';
      s[pick(2) % 20] = '~';
      return s.substr(0, 20 + pick(0) % 3);
    });
    if (cred.user2.empty()) cred.user2 = "user2";
    if (cred.password2.empty()) cred.password2 = random_secret();
    if (cred.token.empty()) cred.token = random_secret();
    if (cred.password.empty() || cred.password2.empty() || cred.token.empty())
      return usage("no randomness for the built-in server's credentials");
    in.host = o.host.empty() ? "harness.localhost" : o.host;
    server::Config config = scenario::builtin_config(cred, *tls, {o.faults.begin(), o.faults.end()}, o.submission);
    // Each configuration of the built-in server as a connector factory: the run's own, and the
    // per-case set-ups below.
    scenario::ConfigConnectors make;
    if (o.in_process) {
      in.sleep = [](std::chrono::milliseconds) {};  // virtual time: the memory transport never waits
      in.extra_reply_wait = std::chrono::milliseconds(0);
      const std::uint64_t seed = r.seed;
      make = [seed](server::Config c, const std::string& setup) -> Result<scenario::ConnectorFactory, std::string> {
        // A set-up's servers get randomness of their own, still reproducible from --seed.
        const std::uint64_t own = setup.empty() ? 0 : std::uint64_t{std::hash<std::string>{}(setup)} << 20;
        return scenario::builtin_connector_factory(std::move(c), seed + own);
      };
    } else {
      // A fresh server per case on a free loopback port (DESIGN.md: run with no target); one
      // certificate for all of them.
      auto factories = scenario::builtin_loopback_factories(config.hostname, *tls);
      if (!factories.ok()) return usage(factories.error());
      make = [factories = std::move(factories.value())](server::Config c, const std::string&)
          -> Result<scenario::ConnectorFactory, std::string> { return factories(std::move(c)); };
    }
    auto own = make(config, "");
    if (!own.ok()) return usage(own.error());
    r.connector_factory = std::move(own.value());
    // As a test lab sets the server up for each test: the off-by-default mechanisms a case needs
    // (ANONYMOUS, DIGEST-MD5) are configured in that case's server only.
    r.setup_for_case = scenario::builtin_case_setups(std::move(config), std::move(make));
    r.needs.submission = o.submission;
    r.needs.txn = !o.submission;
    r.needs.tls_required = *tls == net::TlsMode::starttls;  // builtin_config's policy
  } else if (profile) {
    // Started by the supervisor on free loopback ports; --fault is appended to its start
    // command (for profiles that run `{harness} serve`).
    target::SupervisorOptions so;
    so.harness = own_executable();
    so.extra_faults = o.faults;
    // The server's account is the run's (SAH_USER, SAH_PASSWORD, SAH_TOKEN): --user and
    // --password override the profile's for both sides.
    target::Profile started = *profile;
    started.user = o.user;
    started.password = o.password;
    started.token = o.token;
    supervisor = std::make_shared<target::Supervisor>(std::move(started), so);
    if (const std::string error = supervisor->start(); !error.empty()) {
      std::fprintf(stderr, "smtp-auth-harness run: %s\n", error.c_str());
      for (const auto& line : supervisor->log_tail()) std::fprintf(stderr, "  | %s\n", line.c_str());
      return 2;
    }
    in.host = o.host.empty() ? "localhost" : o.host;
    const net::TlsMode mode = *tls;
    // A server we started ourselves, usually with a self-signed certificate (profile.conf `insecure`).
    const bool insecure = o.ca_file.empty() && (profile->insecure || o.insecure);
    const std::string ca_file = o.ca_file;
    auto sup = supervisor;
    // The port is read at each connect: a restart after a crash moves the server to new ports.
    r.connector_factory = [sup, mode, insecure, ca_file] {
      net::TcpTarget t;
      t.host = "127.0.0.1";
      t.port = mode == net::TlsMode::implicit ? sup->tls_port() : sup->port();
      t.tls = mode;
      t.tls_options.insecure = insecure;
      t.tls_options.ca_file = ca_file;
      return std::make_unique<net::TcpConnector>(std::move(t));
    };
    r.after_case = [sup](CaseResult& c) {
      // The failed liveness check may come a moment before the kernel reports the exit.
      if (c.verdict == Verdict::crash) sup->wait_exit(std::chrono::milliseconds(1000));
      const bool died = !sup->alive();
      if (!died && c.verdict != Verdict::crash) return;
      c.server_log = sup->log_tail();
      if (died) {
        c.verdict = Verdict::crash;
        c.severity = Severity::critical;
        c.reason = "the server " + sup->exit_description() + (c.reason.empty() ? "" : "; " + c.reason);
      }
      if (const std::string error = sup->restart(); !error.empty()) c.reason += "; restarting it failed: " + error;
    };
    r.needs.submission = o.submission;
    r.needs.txn = !o.submission;
  } else {
    auto target = net::parse_host_port(o.target);
    if (!target.ok()) return usage("--target: " + target.error());
    target->tls = *tls;
    target->tls_options.insecure = o.insecure;
    target->tls_options.ca_file = o.ca_file;
    in.host = o.host.empty() ? target->host : o.host;
    auto shared = std::make_shared<net::TcpConnector>(std::move(target.value()));
    // Connectors are stateless per connection: every case shares the one target.
    struct Shared final : net::Connector {
      std::shared_ptr<net::TcpConnector> inner;
      explicit Shared(std::shared_ptr<net::TcpConnector> i) : inner(std::move(i)) {}
      std::unique_ptr<net::Transport> connect(std::chrono::milliseconds d, net::Event& e) override {
        return inner->connect(d, e);
      }
      std::string describe() const override { return inner->describe(); }
    };
    r.connector_factory = [shared] { return std::make_unique<Shared>(shared); };
    r.needs.submission = o.submission;
    r.needs.txn = o.relay_open;
  }
  if (!builtin) r.needs.tls_required = o.tls_required;
  r.needs.account = !cred.user.empty() && !cred.password.empty();
  r.needs.account2 = !cred.user2.empty() && !cred.password2.empty();
  r.needs.token = !cred.token.empty();
  r.needs.optional = o.optional;
  r.jobs = o.jobs;
  r.harness_version = std::string(kVersion);
  r.stop = &g_stop;

  const RunConsole console(stdout, isatty(fileno(stdout)) == 1);
  r.on_case = [&console](const CaseResult& c, std::size_t done, std::size_t total) { console.case_done(c, done, total); };

  // SIGINT: start no new case, let the running ones finish, write partial results. A second
  // SIGINT kills the process (SA_RESETHAND restores the default action).
  struct sigaction sa = {};
  sa.sa_handler = on_sigint;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  struct sigaction previous = {};
  sigaction(SIGINT, &sa, &previous);
  auto result = scenario::run_cases(cases, r);
  sigaction(SIGINT, &previous, nullptr);
  if (!result.ok()) return usage(result.error());
  RunResult& run = result.value();
  run.interrupted = run.interrupted || g_stop.load();
  if (profile) {
    run.target = "profile " + profile->name + " (" + run.target + ")";
    // A mechanism the profile expects but the server did not advertise: the profile or the
    // server's configuration is out of date; the run itself goes on.
    for (const auto& m : profile->mechanisms)
      if (std::find(run.mechanisms.begin(), run.mechanisms.end(), m) == run.mechanisms.end())
        std::fprintf(stderr, "smtp-auth-harness run: profile %s expects %s, not advertised\n", profile->name.c_str(),
                     m.c_str());
  }

  std::vector<std::string> mismatches;
  if (expectations) {
    mismatches = target::apply_expectations(*expectations, run);
    run.expectation_mismatches = mismatches;
  }

  console.summary(run);
  if (const std::string error = write_outputs(o, run); !error.empty()) return usage(error);
  if (!expectations) return scenario::exit_code(run, *fail_on);
  // Judged against the expectations file: known deviations are expected, any other verdict
  // that is not pass, skip or info (and every deviation that went away) is a difference.
  for (const auto& line : mismatches) std::fprintf(stderr, "differs from %s: %s\n", expectations->file.c_str(), line.c_str());
  if (mismatches.empty())
    std::fprintf(stderr, "smtp-auth-harness run: every verdict matches %s (%zu known deviations)\n",
                 expectations->file.c_str(), expectations->deviations.size());
  if (run.interrupted) return 1;
  return mismatches.empty() ? 0 : 1;
}

// --profile all: every targets/*/profile.conf in name order, one after the other, each into
// REPORT/NAME/ (results.json, index.html, junit.xml), then a matrix of all of them in REPORT/.
// A profile that cannot start does not stop the others. The exit code is the worst of them.
int run_all_profiles(RunOptions o) {
  if (!o.json_file.empty() || !o.junit_file.empty() || !o.baseline.empty())
    return usage("--profile all writes REPORT/NAME/{results.json,index.html,junit.xml} for each profile; "
                 "--json, --junit and --baseline name one file");
  if (!o.faults.empty()) return usage("--fault with --profile all: name the profile (--profile builtin)");
  if (!o.expectations.empty()) return usage("--expectations with --profile all: each profile uses its own file");
  if (o.report_dir.empty()) o.report_dir = "smtp-auth-report";
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator("targets", ec))
    if (fs::is_regular_file(entry.path() / "profile.conf", ec)) names.push_back(entry.path().filename().string());
  if (names.empty()) return usage("--profile all: no targets/*/profile.conf under the current folder");
  std::sort(names.begin(), names.end());

  int worst = 0;
  std::vector<std::pair<std::string, int>> outcome;
  std::vector<RunResult> runs;
  std::vector<std::string> run_names;
  for (const auto& name : names) {
    if (g_stop.load()) break;
    std::printf("== profile %s ==\n", name.c_str());
    std::fflush(stdout);
    RunOptions one = o;
    one.profile = (fs::path("targets") / name).string();
    one.report_dir = (fs::path(o.report_dir) / name).string();
    one.junit_file = (fs::path(o.report_dir) / name / "junit.xml").string();
    const int code = run_command(one);
    outcome.emplace_back(name, code);
    worst = std::max(worst, code);
    auto read = report::read_results_file((fs::path(one.report_dir) / "results.json").string());
    if (code != 2 && read) {
      runs.push_back(std::move(*read));
      run_names.push_back(name + ".json");
    }
  }
  std::string error;
  if (runs.size() > 1) {
    for (const auto& page : report::render_site(runs, run_names))
      if (!write_file(fs::path(o.report_dir) / page.file, page.content, error)) return usage(error);
    // The matrix is the front page of a multi-target run.
    fs::copy_file(fs::path(o.report_dir) / "matrix.html", fs::path(o.report_dir) / "index.html",
                  fs::copy_options::overwrite_existing, ec);
  }
  std::printf("\nprofiles:\n");
  for (const auto& [name, code] : outcome)
    std::printf("  %-20s %s\n", name.c_str(),
                code == 0 ? "ok" : code == 1 ? "verdicts differ (exit 1)" : "could not run (exit 2)");
  if (runs.size() > 1) std::printf("matrix: %s\n", (fs::path(o.report_dir) / "index.html").string().c_str());
  return worst;
}

}  // namespace

Command add_run(CLI::App& root) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* app = root.add_subcommand("run", "Run the conformance cases against a server (default: the built-in one)");
  app->add_option("--target", o->target, "HOST:PORT of the server under test (default: the built-in server, in-process)");
  app->add_option("--profile", o->profile, "a target profile: targets/NAME or a DIR holding profile.conf; the server is started, watched and restarted after a crash");
  app->add_option("--tls", o->tls, "none, starttls or implicit (default: starttls in-process, none with --target, the profile's tls with --profile)");
  app->add_flag("--insecure", o->insecure, "do not verify the server's TLS certificate");
  app->add_option("--ca-file", o->ca_file, "PEM file of trusted certificates for verification");
  app->add_option("--user", o->user, "user name of the test account");
  app->add_option("--password", o->password, "password of the test account (prefer --password-env)");
  app->add_option("--password-env", o->password_env, "environment variable holding the password");
  app->add_option("--user2", o->user2, "a second account's user name");
  app->add_option("--password2", o->password2, "the second account's password");
  app->add_option("--token", o->token, "OAuth 2.0 bearer token for the test account");
  app->add_option("--mech", o->mech, "only cases about these mechanisms (comma separated)");
  app->add_option("--cases", o->cases, "case id globs, comma separated; !GLOB excludes");
  app->add_option("--tags", o->tags, "only cases with one of these tags (comma separated)");
  app->add_option("--scenarios", o->scenarios, "scenario folder (repeatable; default: ./scenarios)")
      ->allow_extra_args(false);
  app->add_option("--report", o->report_dir, "folder for results.json and the HTML report");
  app->add_option("--json", o->json_file, "write the results (JSON, schema 1) to this file");
  app->add_option("--junit", o->junit_file, "write JUnit XML to this file");
  app->add_option("--baseline", o->baseline, "earlier results to compare with in the HTML report");
  app->add_option("--jobs", o->jobs, "cases run in parallel (default 16 against the built-in server, else 1)")
      ->check(CLI::Range(1u, 256u));
  app->add_flag("--in-process", o->in_process,
                "built-in server without sockets: the session state machine through a memory transport, "
                "with virtual time (fastest; what the negative-control tests use)");
  app->add_option("--timeout", o->timeout_sec, "seconds each step waits for a reply (default 30)")
      ->check(CLI::Range(1u, 3600u));
  app->add_option("--fail-on", o->fail_on, "lowest fail severity that makes the exit code 1 (default must)");
  app->add_flag("--submission", o->submission, "the target requires AUTH before MAIL (needs: submission)");
  app->add_flag("--relay-open", o->relay_open, "the target accepts MAIL without AUTH (needs: txn)");
  app->add_flag("--optional", o->optional, "also run slow or intrusive cases (needs: optional)");
  app->add_flag("--tls-required", o->tls_required,
                "the target's policy refuses cleartext-password mechanisms before TLS (needs: tls-required)");
  app->add_option("--domain", o->domain, "EHLO argument ($domain)");
  app->add_option("--host", o->host, "server host name for SASL ($host; default: the target's host)");
  app->add_option("--fault", o->faults, "built-in server (in-process or a profile running `serve`): turn on a fault switch (repeatable)");
  app->add_option("--seed", o->seed, "seed for the harness's nonces and the built-in server (default: random)");
  app->add_option("--expectations", o->expectations,
                  "with --profile: the known-deviations file to judge by (default: the profile's expectations.txt)");
  app->add_flag("--no-expectations", o->no_expectations,
                "with --profile: ignore the expectations file; the exit code follows --fail-on");
  return Command{app, [o] { return o->profile == "all" ? run_all_profiles(*o) : run_command(*o); }};
}

}  // namespace sah::cli
