// `smtp-auth-harness replay FILE... [--target HOST:PORT | --profile NAME|DIR]`: a reproducer or
// corpus file against a server (DESIGN.md "Command line"); without either, the built-in server
// in-process. A `.scn` file (a fuzz finding, any scenario) runs its cases as `run` would; any
// other file is a corpus input of the server_session fuzz target (fuzz/fuzz_server_session.cc:
// two configuration octets, then the client's byte stream), whose stream is sent as it is, the
// replies printed, and a new connection tried afterwards: did the server survive?
// Exit: 0 every case passed and the server survived every stream, 1 otherwise, 2 usage or an
// unreadable file or an unreachable target.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <openssl/rand.h>

#include "harness/cli/commands.h"
#include "harness/cli/version.h"
#include "harness/codec/base64.h"
#include "harness/codec/secret_mask.h"
#include "harness/net/tcp_connector.h"
#include "harness/net/transcript.h"
#include "harness/scenario/builtin_target.h"
#include "harness/scenario/connection.h"
#include "harness/scenario/liveness.h"
#include "harness/scenario/parser.h"
#include "harness/scenario/runner.h"
#include "harness/scenario/template.h"
#include "harness/server/faults.h"
#include "harness/target/profile.h"
#include "harness/target/supervisor.h"

namespace sah::cli {
namespace {

struct ReplayOptions {
  std::vector<std::string> files;
  std::string target, profile, tls, ca_file;
  bool insecure = false;
  std::string user, password, password_env, token;
  unsigned timeout_sec = 5;
  std::vector<std::string> faults;
  std::uint64_t seed = 1;
};

constexpr std::size_t kMaxCorpusFile = 1 << 20;  // corpus inputs are small; a bound before reading

int usage(const std::string& message) {
  std::fprintf(stderr, "smtp-auth-harness replay: %s\n", message.c_str());
  return 2;
}

std::string random_secret() {
  unsigned char raw[18];
  if (RAND_bytes(raw, sizeof raw) != 1) return {};
  return codec::base64_encode(BytesView(reinterpret_cast<const char*>(raw), sizeof raw));
}

std::string printable(BytesView b) {
  std::string out;
  for (unsigned char c : b) {
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c >= 0x20 && c < 0x7f && c != '\\') out += static_cast<char>(c);
    else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

// The stream of a server_session corpus input, and what its first two octets ask of the
// built-in server (printed: a real target runs as it is).
struct CorpusInput {
  Bytes stream;
  std::string note;
};

std::optional<CorpusInput> read_corpus(const std::string& path, std::string& error) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    error = path + ": " + ec.message();
    return std::nullopt;
  }
  if (size > kMaxCorpusFile) {
    error = path + ": larger than 1 MiB, not a corpus input";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CorpusInput c;
  if (data.size() < 2) {
    c.note = "shorter than the two configuration octets: nothing to send";
    return c;
  }
  const auto faults = server::faults();
  const auto f = static_cast<unsigned char>(data[0]);
  const auto bits = static_cast<unsigned char>(data[1]);
  c.note = std::string("written for the built-in server ") +
           (f < faults.size() ? "with fault " + std::string(faults[f].name) : std::string("without a fault")) +
           ((bits & 1) ? ", STARTTLS offered" : "") + ((bits & 2) ? ", TLS required for plaintext" : "") +
           ((bits & 4) ? ", AUTH required for MAIL" : "");
  // The fuzz target also takes chunk sizes from the end of the input; the octets are the same
  // stream, and a server must not care how it is split, so it goes in one write.
  c.stream = data.substr(2);
  return c;
}

// Sends the stream, prints every reply, then checks a new connection is greeted (G4).
bool replay_stream(const CorpusInput& input, net::Connector& connector, std::chrono::milliseconds timeout,
                   const codec::SecretMasker& masker) {
  net::Transcript transcript(masker);
  scenario::Connection conn(transcript);
  std::string error;
  if (!conn.open(connector, timeout, error)) {
    std::printf("  cannot connect: %s\n", error.c_str());
    return false;
  }
  bool ok = true;
  auto show = [&](const scenario::Observation& o) {
    std::printf("  S: %s\n", masker.mask(scenario::describe(o)).c_str());
    if (o.kind == scenario::Observation::Kind::malformed) ok = false;
    return o.kind == scenario::Observation::Kind::reply;
  };
  if (show(conn.read_reply(timeout))) {
    std::printf("  C: %zu octets: %s\n", input.stream.size(), printable(BytesView(input.stream).substr(0, 200)).c_str());
    if (auto failed = conn.send(input.stream, timeout)) {
      show(*failed);
    } else {
      // Every reply until the server falls silent or closes (bounded by the parser's limits).
      for (std::size_t n = 0; n < 10000; ++n) {
        const scenario::Observation o = conn.read_reply(n == 0 ? timeout : std::min(timeout, std::chrono::milliseconds(500)));
        if (o.kind == scenario::Observation::Kind::timeout) {
          std::printf("  (no more replies)\n");
          break;
        }
        if (!show(o)) break;
      }
    }
  }
  conn.close();
  const scenario::Liveness l = scenario::check_liveness(connector, timeout);
  std::printf("  server %s%s\n", l.alive ? "survived (a new connection is greeted)" : "did NOT survive: ",
              l.alive ? "" : l.detail.c_str());
  return ok && l.alive;
}

int replay_command(ReplayOptions o) {
  if (!o.profile.empty() && !o.target.empty()) return usage("--target and --profile exclude each other");
  std::optional<target::Profile> profile;
  if (!o.profile.empty()) {
    std::string dir = o.profile;
    std::error_code ec;
    if (dir.find('/') == std::string::npos && std::filesystem::exists(std::filesystem::path("targets") / dir, ec))
      dir = (std::filesystem::path("targets") / dir).string();
    auto loaded = target::load_profile(dir);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", target::format(loaded.error()).c_str());
      return 2;
    }
    profile = std::move(loaded.value());
    if (o.tls.empty()) o.tls = std::string(net::to_string(profile->tls));
    if (o.user.empty()) o.user = profile->user;
    if (o.password.empty() && o.password_env.empty()) o.password = profile->password;
    if (o.token.empty()) o.token = profile->token;
  }
  const bool builtin = o.target.empty() && !profile;
  if (o.tls.empty()) o.tls = "none";
  const auto tls = net::parse_tls_mode(o.tls);
  if (!tls) return usage("--tls wants none, starttls or implicit, got '" + o.tls + "'");
  if (!o.password_env.empty()) {
    const char* value = std::getenv(o.password_env.c_str());
    if (value == nullptr) return usage("environment variable " + o.password_env + " is not set");
    o.password = value;
  }
  if (!o.faults.empty() && !builtin && !profile) return usage("--fault applies to the built-in server only");
  for (const auto& f : o.faults)
    if (server::find_fault(f) == nullptr) return usage("unknown fault '" + f + "'");

  scenario::RunnerOptions r;
  scenario::InterpreterOptions& in = r.interpreter;
  in.tls = *tls;
  in.timeout = std::chrono::milliseconds(std::chrono::seconds(o.timeout_sec));
  in.expand = scenario::expand;
  in.credentials.user = o.user;
  in.credentials.password = o.password;
  in.credentials.token = o.token;
  r.seed = o.seed;
  r.harness_version = std::string(kVersion);
  std::shared_ptr<target::Supervisor> supervisor;
  if (builtin) {
    auto& c = in.credentials;
    if (c.user.empty()) c.user = "user";
    if (c.password.empty()) c.password = random_secret();
    c.user2 = "user2";
    c.password2 = random_secret();
    if (c.token.empty()) c.token = random_secret();
    in.host = "harness.localhost";
    in.sleep = [](std::chrono::milliseconds) {};
    in.extra_reply_wait = std::chrono::milliseconds(0);
    r.connector_factory = scenario::builtin_connector_factory(
        scenario::builtin_config(c, *tls, {o.faults.begin(), o.faults.end()}), o.seed);
  } else if (profile) {
    target::SupervisorOptions so;
    std::error_code ec;
    so.harness = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    so.extra_faults = o.faults;
    supervisor = std::make_shared<target::Supervisor>(*profile, so);
    if (const std::string error = supervisor->start(); !error.empty()) return usage(error);
    in.host = profile->hostname.empty() ? "localhost" : profile->hostname;
    const bool insecure = o.ca_file.empty() && (profile->insecure || o.insecure);
    const std::string ca = o.ca_file;
    const net::TlsMode mode = *tls;
    auto sup = supervisor;
    r.connector_factory = [sup, mode, insecure, ca] {
      net::TcpTarget t;
      t.host = "127.0.0.1";
      t.port = mode == net::TlsMode::implicit ? sup->tls_port() : sup->port();
      t.tls = mode;
      t.tls_options.insecure = insecure;
      t.tls_options.ca_file = ca;
      return std::make_unique<net::TcpConnector>(std::move(t));
    };
    r.after_case = [sup](CaseResult& c) {
      if (c.verdict == Verdict::crash) sup->wait_exit(std::chrono::milliseconds(1000));
      if (sup->alive() && c.verdict != Verdict::crash) return;
      c.server_log = sup->log_tail();
      if (!sup->alive()) {
        c.verdict = Verdict::crash;
        c.severity = Severity::critical;
        c.reason = "the server " + sup->exit_description() + (c.reason.empty() ? "" : "; " + c.reason);
      }
      sup->restart();
    };
  } else {
    auto t = net::parse_host_port(o.target);
    if (!t.ok()) return usage("--target: " + t.error());
    t->tls = *tls;
    t->tls_options.insecure = o.insecure;
    t->tls_options.ca_file = o.ca_file;
    in.host = t->host;
    const net::TcpTarget target = t.value();
    r.connector_factory = [target] { return std::make_unique<net::TcpConnector>(target); };
  }
  r.needs.account = !in.credentials.user.empty() && !in.credentials.password.empty();
  r.needs.account2 = !in.credentials.user2.empty() && !in.credentials.password2.empty();
  r.needs.token = !in.credentials.token.empty();
  r.needs.txn = true;

  codec::SecretMasker masker;
  for (const std::string* s : {&in.credentials.password, &in.credentials.password2, &in.credentials.token})
    if (s->size() >= 3) masker.add(*s);

  int code = 0;
  for (const std::string& file : o.files) {
    if (std::filesystem::path(file).extension() == ".scn") {
      scenario::ParseResult parsed = scenario::parse_file(file);
      if (!parsed.ok()) {
        for (const auto& d : parsed.diagnostics) std::fprintf(stderr, "%s\n", scenario::format(d).c_str());
        return 2;
      }
      auto run = scenario::run_cases(parsed.cases, r);
      if (!run.ok()) return usage(run.error());
      for (const CaseResult& c : run->cases) {
        std::printf("%s %s: %s%s%s\n", file.c_str(), c.id.c_str(), std::string(to_string(c.verdict)).c_str(),
                    c.severity == Severity::none ? "" : (" " + std::string(to_string(c.severity))).c_str(),
                    c.reason.empty() ? "" : (" (" + c.reason + ")").c_str());
        if (c.verdict == Verdict::fail || c.verdict == Verdict::crash || c.verdict == Verdict::timeout ||
            c.verdict == Verdict::error)
          code = std::max(code, c.verdict == Verdict::error ? 2 : 1);
      }
    } else {
      std::string error;
      auto input = read_corpus(file, error);
      if (!input) return usage(error);
      std::printf("%s: corpus input, %s\n", file.c_str(), input->note.c_str());
      auto connector = r.connector_factory();
      if (!replay_stream(*input, *connector, in.timeout, masker)) code = std::max(code, 1);
      if (supervisor && !supervisor->alive()) {
        for (const auto& line : supervisor->log_tail()) std::printf("  | %s\n", line.c_str());
        supervisor->restart();
      }
    }
  }
  return code;
}

}  // namespace

Command add_replay(CLI::App& root) {
  auto o = std::make_shared<ReplayOptions>();
  CLI::App* app = root.add_subcommand("replay", "Replay reproducer files (.scn) or server_session corpus inputs against a server");
  app->add_option("files", o->files, "scenario files (.scn) or corpus files")->required();
  app->add_option("--target", o->target, "HOST:PORT (default: the built-in server, in-process)");
  app->add_option("--profile", o->profile, "a target profile (targets/NAME or DIR), started and watched");
  app->add_option("--tls", o->tls, "none, starttls or implicit (default none, or the profile's)");
  app->add_flag("--insecure", o->insecure, "do not verify the server's TLS certificate");
  app->add_option("--ca-file", o->ca_file, "PEM file of trusted certificates");
  app->add_option("--user", o->user, "user name of the test account");
  app->add_option("--password", o->password, "its password (prefer --password-env)");
  app->add_option("--password-env", o->password_env, "environment variable holding the password");
  app->add_option("--token", o->token, "OAuth 2.0 bearer token");
  app->add_option("--timeout", o->timeout_sec, "seconds each reply is waited for (default 5)")->check(CLI::Range(1u, 3600u));
  app->add_option("--fault", o->faults, "built-in server: turn on a fault switch (repeatable)");
  app->add_option("--seed", o->seed, "seed for the built-in server and the client nonces (default 1)");
  return Command{app, [o] { return replay_command(*o); }};
}

}  // namespace sah::cli
