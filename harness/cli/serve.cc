// `smtp-auth-harness serve`: the built-in reference server on a real socket, with its fault
// switches, until SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <openssl/rand.h>

#include "harness/cli/commands.h"
#include "harness/codec/base64.h"
#include "harness/sasl/registry.h"
#include "harness/server/acceptor.h"
#include "harness/server/config.h"
#include "harness/server/faults.h"
#include "harness/server/tls_context.h"

namespace sah::cli {
namespace {

struct ServeOptions {
  std::string listen;
  std::string tls_cert;
  std::string tls_key;
  bool implicit_tls = false;
  std::vector<std::string> users;
  std::vector<std::string> passwords;
  std::vector<std::string> accounts;  // USER:PASSWORD
  std::vector<std::string> tokens;    // USER:TOKEN
  std::vector<std::string> faults;
  bool list_faults = false;
  bool require_tls_for_plaintext = false;
  bool require_auth = false;
  bool allow_ntlmv1 = false;
  std::string mechanisms;  // comma separated
  std::string hostname = "harness.localhost";
  unsigned threads = 0;
  unsigned idle_timeout = 300;
  std::string ready_file;
  std::string write_cert;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "smtp-auth-harness serve: %s\n", message.c_str());
  return 2;
}

// "HOST:PORT" or "[V6]:PORT".
bool split_host_port(const std::string& in, std::string& host, std::uint16_t& port) {
  std::string port_text;
  if (!in.empty() && in.front() == '[') {
    auto close = in.find(']');
    if (close == std::string::npos || close + 1 >= in.size() || in[close + 1] != ':') return false;
    host = in.substr(1, close - 1);
    port_text = in.substr(close + 2);
  } else {
    auto colon = in.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    host = in.substr(0, colon);
    port_text = in.substr(colon + 1);
  }
  if (port_text.empty() || port_text.size() > 5) return false;
  unsigned long value = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return !host.empty();
}

sasl::Account& account_for(std::vector<sasl::Account>& accounts, const std::string& user) {
  for (auto& a : accounts)
    if (a.user == user) return a;
  accounts.push_back({user, {}, {}});
  return accounts.back();
}

// A password nobody can guess, for accounts that only have tokens: an empty password would
// let "user" + "" authenticate with PLAIN.
std::string unguessable_password() {
  unsigned char raw[24];
  if (RAND_bytes(raw, sizeof raw) != 1) return "!";
  return codec::base64_encode(BytesView(reinterpret_cast<const char*>(raw), sizeof raw));
}

void print_faults() {
  std::size_t width = 0;
  for (const auto& f : server::faults()) width = std::max(width, f.name.size());
  for (const auto& f : server::faults()) {
    std::printf("%-*.*s  %.*s\n%*s  breaks: %.*s\n", static_cast<int>(width), static_cast<int>(f.name.size()),
                f.name.data(), static_cast<int>(f.description.size()), f.description.data(),
                static_cast<int>(width), "", static_cast<int>(f.breaks.size()), f.breaks.data());
  }
}

// Written to a temporary name and renamed, so a reader polling the file never sees half of it.
std::string write_ready_file(const std::string& path, std::uint16_t port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return "cannot write " + tmp;
    out << port << "\n";
    if (!out.flush()) return "cannot write " + tmp;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return "cannot rename " + tmp + " to " + path;
  return {};
}

int run_serve(const ServeOptions& o) {
  if (o.list_faults) {
    print_faults();
    return 0;
  }
  if (o.listen.empty()) return usage_error("--listen HOST:PORT is required");
  server::AcceptorOptions acceptor_options;
  if (!split_host_port(o.listen, acceptor_options.host, acceptor_options.port))
    return usage_error("--listen wants HOST:PORT (e.g. 127.0.0.1:2525, [::1]:0), got '" + o.listen + "'");
  acceptor_options.threads = o.threads;
  if (o.tls_cert.empty() != o.tls_key.empty()) return usage_error("--tls-cert and --tls-key go together");

  server::Config config;
  config.hostname = o.hostname;
  config.implicit_tls = o.implicit_tls;
  config.require_tls_for_plaintext = o.require_tls_for_plaintext;
  config.require_auth_for_mail = o.require_auth;
  config.ntlm_accept_v1 = o.allow_ntlmv1;
  config.limits.idle_timeout = std::chrono::seconds(o.idle_timeout);

  // Accounts: --user/--password pairs in order, then --account USER:PASSWORD, then tokens.
  if (o.users.size() != o.passwords.size())
    return usage_error("each --user needs exactly one --password (got " + std::to_string(o.users.size()) +
                       " users and " + std::to_string(o.passwords.size()) + " passwords)");
  for (std::size_t i = 0; i < o.users.size(); ++i) {
    if (o.users[i].empty()) return usage_error("--user must not be empty");
    account_for(config.accounts, o.users[i]).password = o.passwords[i];
  }
  for (const auto& a : o.accounts) {
    auto colon = a.find(':');
    // The value holds a password: never echoed.
    if (colon == std::string::npos || colon == 0) return usage_error("--account wants USER:PASSWORD");
    account_for(config.accounts, a.substr(0, colon)).password = a.substr(colon + 1);
  }
  for (const auto& t : o.tokens) {
    auto colon = t.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == t.size())
      return usage_error("--token wants USER:TOKEN");
    auto& account = account_for(config.accounts, t.substr(0, colon));
    if (account.password.empty()) account.password = unguessable_password();
    account.tokens.push_back(t.substr(colon + 1));
  }

  for (const auto& f : o.faults) {
    if (server::find_fault(f) == nullptr)
      return usage_error("unknown fault '" + f + "' (see serve --list-faults)");
    config.faults.insert(f);
  }
  if (!o.mechanisms.empty()) {
    // NAME,NAME...: exactly these; +NAME,+NAME...: the defaults and these (how the off-by-default
    // ANONYMOUS and DIGEST-MD5 are turned on, RFC 4505 §5, RFC 6331). Not both forms at once.
    std::size_t start = 0;
    while (start <= o.mechanisms.size()) {
      auto comma = o.mechanisms.find(',', start);
      if (comma == std::string::npos) comma = o.mechanisms.size();
      std::string name = o.mechanisms.substr(start, comma - start);
      start = comma + 1;
      if (name.empty()) continue;
      const bool added = name.front() == '+';
      if (added) name.erase(0, 1);
      const sasl::MechanismInfo* info = sasl::find_mechanism(name);
      if (info == nullptr) return usage_error("unknown mechanism '" + name + "' in --mechanisms");
      (added ? config.extra_mechanisms : config.mechanisms).emplace_back(info->name);
    }
    if (config.mechanisms.empty() && config.extra_mechanisms.empty())
      return usage_error("--mechanisms lists no mechanism");
    if (!config.mechanisms.empty() && !config.extra_mechanisms.empty())
      return usage_error("--mechanisms wants either a list (PLAIN,LOGIN) or additions to the defaults (+DIGEST-MD5)");
  }

  // TLS is always available: the given certificate, or a self-signed one made now, so that
  // STARTTLS and the -PLUS mechanisms can be tested without any set-up.
  auto tls = o.tls_cert.empty() ? server::TlsContext::self_signed(config.hostname)
                                : server::TlsContext::from_files(o.tls_cert, o.tls_key);
  if (!tls.ok()) return usage_error(tls.error());
  if (!o.write_cert.empty()) {
    std::string err = tls.value()->write_certificate_pem(o.write_cert);
    if (!err.empty()) return usage_error(err);
  }

  // SIGINT and SIGTERM are blocked before the threads start (they inherit the mask), and taken
  // synchronously below: no handler runs on an arbitrary thread.
  sigset_t stop_signals, old_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);

  const std::size_t n_accounts = config.accounts.size();
  const std::size_t n_faults = config.faults.size();
  server::Acceptor acceptor(std::move(config), tls.value(), acceptor_options);
  auto port = acceptor.start();
  if (!port.ok()) {
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    return usage_error(port.error());
  }
  std::printf("listening on %s\n", acceptor.bound_address().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "smtp-auth-harness serve: %s, %s certificate, %zu account(s), %zu fault(s) on\n",
               o.implicit_tls ? "implicit TLS" : "STARTTLS offered", tls.value()->generated() ? "self-signed" : "given",
               n_accounts, n_faults);
  if (o.allow_ntlmv1)
    std::fprintf(stderr, "smtp-auth-harness serve: NTLMv1 responses accepted (--allow-ntlmv1; legacy, NTLM-14)\n");
  if (!o.ready_file.empty()) {
    std::string err = write_ready_file(o.ready_file, *port);
    if (!err.empty()) {
      acceptor.stop();
      pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
      return usage_error(err);
    }
  }

  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  std::fprintf(stderr, "smtp-auth-harness serve: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  acceptor.stop();
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  return 0;
}

}  // namespace

Command add_serve(CLI::App& root) {
  auto opts = std::make_shared<ServeOptions>();
  CLI::App* app = root.add_subcommand("serve", "Run the built-in reference SMTP AUTH server");
  app->add_option("--listen", opts->listen, "HOST:PORT to listen on (port 0: any free port)");
  app->add_option("--tls-cert", opts->tls_cert, "PEM certificate chain (default: self-signed at start-up)");
  app->add_option("--tls-key", opts->tls_key, "PEM private key for --tls-cert");
  app->add_flag("--implicit-tls", opts->implicit_tls, "TLS from the first byte (submissions, port 465)");
  app->add_option("--user", opts->users, "account user name (repeat; pairs with --password in order)")
      ->allow_extra_args(false);
  app->add_option("--password", opts->passwords, "account password (repeat)")->allow_extra_args(false);
  app->add_option("--account", opts->accounts, "account as USER:PASSWORD (repeat)")->allow_extra_args(false);
  app->add_option("--token", opts->tokens, "OAuth bearer token as USER:TOKEN (repeat)")->allow_extra_args(false);
  app->add_option("--fault", opts->faults, "turn a fault switch on (repeat; see --list-faults)")
      ->allow_extra_args(false);
  app->add_flag("--list-faults", opts->list_faults, "print the fault switches and exit");
  app->add_flag("--require-tls-for-plaintext", opts->require_tls_for_plaintext,
                "refuse PLAIN/LOGIN in cleartext with 538 5.7.11");
  app->add_flag("--require-auth", opts->require_auth, "refuse MAIL before AUTH with 530 5.7.0");
  app->add_flag("--allow-ntlmv1", opts->allow_ntlmv1,
                "legacy: NTLM also accepts NTLMv1 responses (crackable; refused by default, NTLM-14), "
                "for v1-only clients such as swaks and gsasl");
  app->add_option("--mechanisms", opts->mechanisms,
                  "mechanisms to offer, comma separated; +NAME adds to the defaults (default: every mechanism "
                  "except ANONYMOUS and DIGEST-MD5, which are off unless named: --mechanisms +DIGEST-MD5)");
  app->add_option("--hostname", opts->hostname, "host name in the greeting and the self-signed certificate");
  app->add_option("--threads", opts->threads, "I/O threads (default: hardware threads)");
  app->add_option("--idle-timeout", opts->idle_timeout, "seconds before an idle connection gets 421 (default 300)")
      ->check(CLI::Range(1u, 86400u));
  app->add_option("--ready-file", opts->ready_file, "write the bound port to this file once listening");
  app->add_option("--write-cert", opts->write_cert, "write the server certificate (PEM) to this file");
  return Command{app, [opts] { return run_serve(*opts); }};
}

}  // namespace sah::cli
