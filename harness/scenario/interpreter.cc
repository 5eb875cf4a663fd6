#include "harness/scenario/interpreter.h"

#include <algorithm>

#include "harness/scenario/template.h"

#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "harness/codec/base64_malform.h"
#include "harness/codec/secret_mask.h"
#include "harness/net/transcript.h"
#include "harness/sasl/registry.h"
#include "harness/scenario/auth_exchange.h"
#include "harness/scenario/conditions.h"
#include "harness/scenario/connection.h"
#include "harness/scenario/judge.h"
#include "harness/scenario/parser.h"
#include "harness/scenario/syntax.h"
#include "harness/smtp/ehlo.h"

namespace sah::scenario {

namespace {

using Millis = std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;


std::string_view step_name(Step::Kind k) {
  switch (k) {
    case Step::Kind::connect: return "connect";
    case Step::Kind::ehlo: return "ehlo";
    case Step::Kind::ehlo_clear: return "ehlo-clear";
    case Step::Kind::helo: return "helo";
    case Step::Kind::starttls: return "starttls";
    case Step::Kind::send: return "send";
    case Step::Kind::send_raw: return "send-raw";
    case Step::Kind::read: return "read";
    case Step::Kind::auth: return "auth";
    case Step::Kind::alive: return "alive";
    case Step::Kind::closed: return "closed";
    case Step::Kind::silent: return "silent";
    case Step::Kind::quit: return "quit";
    case Step::Kind::reconnect: return "reconnect";
    case Step::Kind::wait: return "wait";
    case Step::Kind::check: return "check";
    case Step::Kind::handshake: return "handshake";
    case Step::Kind::repeat: return "repeat";
  }
  return "step";
}

std::string swapped_case(std::string s) {
  for (char& ch : s) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    else if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

// A built-in expectation (alive, quit): exactly this code passes, anything else fails.
std::vector<Alternative> only_code(std::string code, std::string why) {
  Alternative a;
  a.code = std::move(code);
  a.verdict = Verdict::pass;
  a.why = std::move(why);
  return {a};
}

struct StepOutcome {
  bool judged = true;  // false for reconnect and wait
  Judgement judgement;
  std::vector<Expectation> expected;
  std::string observed;
  bool explicit_alternatives = false;
};

std::vector<Expectation> expectations(const std::vector<Alternative>& alts, const DefaultExpectation& d) {
  std::vector<Expectation> out;
  if (alts.empty()) {
    out.push_back({std::string(d.pattern), Verdict::pass, "default expectation"});
    return out;
  }
  for (const Alternative& a : alts) out.push_back({render(a), a.verdict, a.why});
  return out;
}

StepOutcome built_in(Verdict v, Severity s, std::string reason, std::string pattern, std::string observed = {}) {
  StepOutcome o;
  o.judgement.verdict = v;
  o.judgement.severity = s;
  o.judgement.reason = std::move(reason);
  o.expected.push_back({std::move(pattern), Verdict::pass, "built in"});
  o.observed = std::move(observed);
  return o;
}

class Interpreter {
 public:
  Interpreter(const Case& c, net::Connector& connector, const InterpreterOptions& o, Random& random)
      : case_(c), connector_(connector), options_(o), random_(random), transcript_(masker_, start_), conn_(transcript_) {
    for (const std::string* s : {&o.credentials.password, &o.credentials.password2, &o.credentials.token})
      if (!s->empty()) masker_.add(*s);
    // %swapcase[$password]% (PLAIN-12) sends a near-copy of the secret: masked like the secret.
    for (const std::string* s : {&o.credentials.password, &o.credentials.password2})
      if (!s->empty() && swapped_case(*s) != *s) masker_.add(swapped_case(*s));
    vars_ = builtin_variables(o, c);
    timeout_ = c.timeout_ms ? Millis(*c.timeout_ms) : o.timeout;
    level_ = c.level == Severity::none ? Severity::must : c.level;
  }

  CaseResult run();

 private:
  StepOutcome run_step(const Step& s);
  // Runs `steps` in order, keeping the deciding outcome; true when a verdict stops the case.
  // `round` / `rounds`: the repeat round they run in (0: outside any repeat), for the reason.
  bool run_steps(const std::vector<Step>& steps, unsigned round, unsigned rounds);
  StepOutcome send_only(const Step& s);
  StepOutcome connect(const Step& s);
  StepOutcome ehlo(const Step& s, bool upgrade);
  StepOutcome helo(const Step& s);
  StepOutcome starttls(const Step& s);
  StepOutcome send(const Step& s, bool crlf);
  StepOutcome auth(const Step& s);
  StepOutcome alive(const Step& s);
  StepOutcome closed(const Step& s);
  StepOutcome silent(const Step& s);
  StepOutcome check(const Step& s);

  StepOutcome judged(const Step& s, const Observation& obs, const std::vector<Alternative>& alts);
  StepOutcome judged_with(const Observation& obs, const std::vector<Alternative>& alts, const DefaultExpectation& d);
  StepOutcome error(std::string why) {
    // A malformer that cannot be made from these credentials is an unmet precondition.
    if (why.find(kMalformerNotApplicable) != std::string::npos)
      return built_in(Verdict::skip, Severity::none, std::move(why) + " (credentials of another shape needed)", "(needs)");
    return built_in(Verdict::error, Severity::none, std::move(why), "(harness)");
  }
  // Sends a line (CRLF added) and reads the reply.
  Observation exchange(BytesView line);
  // A TLS handshake after 220: ok, or the outcome that ends the step. A failed handshake gets
  // `failure` (error in the S0 upgrade, where it is more likely the harness's set-up).
  std::optional<StepOutcome> handshake(Verdict failure, const net::TlsVersionRange& versions = {});
  Result<Bytes, std::string> expand(const Template& t) { return options_.expand(t, vars_); }
  Result<Bytes, std::string> expand_text(const std::string& text) { return expand(Template{text, {}}); }
  void remember_capabilities(const Observation& obs);

  const Case& case_;
  net::Connector& connector_;
  const InterpreterOptions& options_;
  Random& random_;
  Clock::time_point start_ = Clock::now();
  codec::SecretMasker masker_;
  net::Transcript transcript_;
  Connection conn_;
  Variables vars_;
  std::optional<smtp::Capabilities> caps_;
  Millis timeout_;
  Severity level_;
  // The worst outcome so far, its step, and its repeat round ("round 9 of 100: ", or empty).
  std::optional<StepOutcome> deciding_;
  const Step* deciding_step_ = nullptr;
  std::string deciding_round_;
};

Observation Interpreter::exchange(BytesView line) {
  Bytes wire(line);
  wire += "\r\n";
  if (auto failed = conn_.send(wire, timeout_)) return std::move(*failed);
  return conn_.read_reply(timeout_);
}

void Interpreter::remember_capabilities(const Observation& obs) {
  caps_.reset();
  if (obs.kind != Observation::Kind::reply || obs.reply.code != 250) return;
  auto parsed = smtp::Capabilities::parse(obs.reply);
  if (parsed.ok()) caps_ = std::move(parsed.value());
}

StepOutcome Interpreter::judged_with(const Observation& obs, const std::vector<Alternative>& alts,
                                     const DefaultExpectation& d) {
  StepOutcome o;
  Observation seen = obs;
  seen.check_enhanced = caps_ && caps_->enhanced_status_codes();
  o.judgement = judge(alts, seen, d, level_);
  for (auto& [name, value] : o.judgement.captures) vars_[name] = value;
  o.expected = expectations(alts, d);
  o.observed = describe(obs);
  o.explicit_alternatives = !alts.empty();
  return o;
}

StepOutcome Interpreter::judged(const Step& s, const Observation& obs, const std::vector<Alternative>& alts) {
  return judged_with(obs, alts, default_expectation(s.kind));
}

StepOutcome Interpreter::connect(const Step& s) {
  std::string why;
  if (!conn_.open(connector_, timeout_, why)) return error("cannot connect: " + why);
  caps_.reset();
  if (const auto& failed = conn_.failed_handshake()) {
    // RFC 8314 §3.3 (TLS-10): the server accepted the connection but the implicit TLS handshake
    // failed. As with `handshake`, `expect closed` judges a server that ended it (close or
    // alert); anything else fails the case.
    const bool close_expected = std::any_of(s.expect.begin(), s.expect.end(), [](const Alternative& a) {
      return a.kind == Alternative::Kind::closed;
    });
    if (failed->kind == net::Event::Kind::closed && close_expected) return judged(s, Observation::closed(), s.expect);
    const std::string how = failed->kind == net::Event::Kind::closed
                                ? "the server ended it" + (failed->what.empty() ? "" : ": " + failed->what)
                                : failed->what;
    return built_in(Verdict::fail, level_, "implicit TLS handshake failed (RFC 8314 §3.3): " + how,
                    "TLS handshake, then 220", how);
  }
  if (s.text) {
    // RFC 5321 §4.3.1: a client should wait for the greeting; this one talks first (LIM-09).
    auto text = expand(*s.text);
    if (!text.ok()) return error(text.error());
    if (auto failed = conn_.send(text.value(), timeout_)) return judged(s, *failed, s.expect);
  }
  return judged(s, conn_.read_reply(timeout_), s.expect);
}

std::optional<StepOutcome> Interpreter::handshake(Verdict failure, const net::TlsVersionRange& versions) {
  if (conn_.has_unread())
    // RFC 3207 §4: nothing may follow the 220 in cleartext; whatever does could be taken for
    // a TLS record or, worse, executed after the handshake (command injection).
    return built_in(Verdict::fail, Severity::must, "cleartext data followed the 220 to STARTTLS (RFC 3207 §4)",
                    "220 then TLS");
  const net::Event e = conn_.start_tls(timeout_, versions);
  caps_.reset();
  if (e.is_ok()) return std::nullopt;
  if (e.kind == net::Event::Kind::timeout)
    return built_in(Verdict::timeout, Severity::none, "the TLS handshake did not finish", "220 then TLS");
  if (e.kind == net::Event::Kind::closed)
    return built_in(failure, failure == Verdict::fail ? level_ : Severity::none,
                    e.what.empty() ? std::string("TLS handshake failed: the server closed the connection")
                                   : "TLS handshake failed: " + e.what,
                    "220 then TLS");
  return built_in(failure, failure == Verdict::fail ? level_ : Severity::none, "TLS handshake failed: " + e.what,
                  "220 then TLS");
}

StepOutcome Interpreter::ehlo(const Step& s, bool upgrade) {
  Bytes domain = options_.domain;
  if (s.text) {
    auto d = expand(*s.text);
    if (!d.ok()) return error(d.error());
    domain = std::move(d.value());
  }
  const Bytes line = "EHLO " + domain;
  if (upgrade && options_.tls == net::TlsMode::starttls && !conn_.is_tls()) {
    // S0 (catalogue §1.7): EHLO, STARTTLS, handshake, EHLO again; the list is replaced.
    Observation first = exchange(line);
    StepOutcome o = judged_with(first, {}, {250, 250, "250"});
    if (stops_case(o.judgement.verdict)) return o;
    remember_capabilities(first);
    if (!caps_ || !caps_->starttls())
      return built_in(Verdict::inconclusive, Severity::none, "STARTTLS is not advertised (run --tls starttls)",
                      "STARTTLS advertised", o.observed);
    o = judged_with(exchange("STARTTLS"), {}, {220, 220, "220"});
    if (stops_case(o.judgement.verdict)) return o;
    if (auto failed = handshake(Verdict::error)) return std::move(*failed);
  }
  Observation obs = exchange(line);
  remember_capabilities(obs);
  return judged(s, obs, s.expect);
}

StepOutcome Interpreter::helo(const Step& s) {
  Bytes domain = options_.domain;
  if (s.text) {
    auto d = expand(*s.text);
    if (!d.ok()) return error(d.error());
    domain = std::move(d.value());
  }
  Observation obs = exchange("HELO " + domain);
  // What HELO lists replaces the list (normally nothing: RFC 5321 §4.1.1.1, CAP-06).
  remember_capabilities(obs);
  return judged(s, obs, s.expect);
}

StepOutcome Interpreter::starttls(const Step& s) {
  // Optional TEXT goes right behind "STARTTLS\r\n" in the same cleartext write: what a man in
  // the middle could inject (RFC 3207 §4.2, §6; TLS-05).
  Bytes wire = "STARTTLS\r\n";
  if (s.text) {
    auto text = expand(*s.text);
    if (!text.ok()) return error(text.error());
    wire += text.value();
  }
  Observation obs = Observation::timeout();
  if (auto failed = conn_.send(wire, timeout_)) obs = std::move(*failed);
  else obs = conn_.read_reply(timeout_);
  StepOutcome o = judged(s, obs, s.expect);
  if (stops_case(o.judgement.verdict) || obs.kind != Observation::Kind::reply || obs.reply.code != 220) return o;
  if (auto failed = handshake(Verdict::fail)) return std::move(*failed);
  return o;
}

StepOutcome Interpreter::send(const Step& s, bool crlf) {
  if (!s.text) return error("send without text");
  auto text = expand(*s.text);
  if (!text.ok()) return error(text.error());
  Bytes wire = std::move(text.value());
  if (crlf) wire += "\r\n";
  if (auto failed = conn_.send(wire, timeout_)) return judged(s, *failed, s.expect);
  return judged(s, conn_.read_reply(timeout_), s.expect);
}

StepOutcome Interpreter::send_only(const Step& s) {
  if (!s.text) return error("send without text");
  auto text = expand(*s.text);
  if (!text.ok()) return error(text.error());
  Bytes wire = std::move(text.value());
  if (s.kind == Step::Kind::send) wire += "\r\n";
  if (auto failed = conn_.send(wire, timeout_)) return judged(s, *failed, s.expect);
  StepOutcome o;
  o.judged = false;
  return o;
}

StepOutcome Interpreter::auth(const Step& s) {
  const AuthOptions& a = s.auth;
  AuthPlan plan;
  auto mech = expand_text(a.mechanism);
  if (!mech.ok()) return error(mech.error());
  plan.mechanism = mech.value();
  plan.info = sasl::find_mechanism(plan.mechanism);
  if (plan.info == nullptr) return error("the harness has no SASL mechanism " + plan.mechanism);

  auto value = [&](const std::optional<Template>& t, const char* var) -> Result<std::string, std::string> {
    if (!t) return vars_[var];
    auto v = expand(*t);
    if (!v.ok()) return unexpected(v.error());
    return std::move(v.value());
  };
  auto user = value(a.user, "user");
  auto password = value(a.password, "password");
  auto authzid = a.authzid ? value(a.authzid, "") : Result<std::string, std::string>(std::string());
  auto token = value(a.token, "token");
  for (auto* r : {&user, &password, &authzid, &token})
    if (!r->ok()) return error(r->error());
  // Secrets given on the step are masked like the configured ones.
  if (password->size() >= 3) masker_.add(password.value());
  if (token->size() >= 3) masker_.add(token.value());

  sasl::ClientOptions& c = plan.client;
  c.authcid = user.value();
  c.password = password.value();
  c.authzid = authzid.value();
  c.token = token.value();
  c.host = options_.host;
  c.random = &random_;
  if (conn_.is_tls()) {
    c.channel_binding = conn_.channel_binding("tls-exporter");
    if (c.channel_binding.type.empty()) c.channel_binding = conn_.channel_binding("tls-server-end-point");
  }
  c.server_supports_plus = caps_ && caps_->offers_mechanism(std::string(plan.info->name) + "-PLUS");
  if (!a.corruption.empty()) {
    if (sasl::find_corruption(*plan.info, a.corruption) == nullptr)
      return error(std::string(plan.info->name) + " has no corruption " + a.corruption);
    c.corruption = a.corruption;
  }
  plan.initial_response = a.initial_response;
  plan.malform_step = a.malform_step;
  if (a.malform_step) {
    plan.malformer = codec::find_base64_malformer(a.malformer);
    if (plan.malformer == nullptr) return error("unknown Base64 malformer " + a.malformer);
  }
  plan.cancel_step = a.cancel_step;
  plan.raw_step = a.raw_step;
  if (a.raw_step && a.raw_text) {
    auto raw = expand(*a.raw_text);
    if (!raw.ok()) return error(raw.error());
    plan.raw_text = std::move(raw.value());
  }
  plan.timeout = timeout_;
  plan.max_round_trips = options_.max_auth_round_trips;

  AuthOutcome out = run_auth_exchange(conn_, transcript_, plan);
  for (std::size_t i = 0; i < out.challenges.size(); ++i)
    vars_["challenge" + std::to_string(i + 1)] = out.challenges[i];
  for (std::size_t i = 0; i < out.responses.size() && i < syntax::kMaxChallengeVariables; ++i)
    vars_["response" + std::to_string(i + 1)] = out.responses[i];
  if (!out.harness_error.empty()) return error(out.harness_error);
  if (!out.failure.empty()) {
    StepOutcome o = judged(s, out.final, s.expect);
    o.judgement = {Verdict::fail, level_, out.failure, std::nullopt, {}};
    return o;
  }
  return judged(s, out.final, s.expect);
}

StepOutcome Interpreter::alive(const Step& s) {
  StepOutcome o = judged(s, exchange("NOOP"), only_code("250", "one 250 to NOOP (G5)"));
  if (o.judgement.verdict != Verdict::pass) return o;
  // G5: exactly one reply. A second one may already be here, or arrive shortly.
  auto fail = [&](std::string why) {
    o.judgement = {Verdict::fail, level_, std::move(why), std::nullopt, {}};
    return o;
  };
  if (conn_.has_unread()) return fail("more than one reply to NOOP (G5, RPL-06)");
  const net::Event e = conn_.expect_nothing(std::min(options_.extra_reply_wait, timeout_));
  switch (e.kind) {
    case net::Event::Kind::timeout: return o;
    case net::Event::Kind::data: return fail("a second reply followed the 250 to NOOP (G5, RPL-06)");
    case net::Event::Kind::closed: return fail("the connection closed after the 250 to NOOP");
    case net::Event::Kind::error:
      o.judgement = {Verdict::inconclusive, Severity::none, "network error: " + e.what, std::nullopt, {}};
      return o;
  }
  return o;
}

StepOutcome Interpreter::closed(const Step&) {
  const std::optional<Observation> still = conn_.wait_closed(timeout_, options_.max_close_octets);
  if (!still || still->kind == Observation::Kind::error) {
    const std::string how = still ? "ended by a network error: " + still->detail : "closed by the server";
    conn_.close();
    return built_in(Verdict::pass, Severity::none, "connection " + how, "closed", "connection closed");
  }
  return built_in(Verdict::fail, level_,
                  "the connection is still open " + std::to_string(timeout_.count()) + " ms later", "closed",
                  "connection open");
}

StepOutcome Interpreter::silent(const Step& s) {
  const std::string pattern = "silent " + std::to_string(s.millis) + " ms";
  if (!s.expect.empty()) {
    // README: with expect lines, whatever arrives is judged by them, and `expect timeout`
    // is the silence holding (for rules where an early reply is lenient, e.g. SYN-16).
    if (!conn_.has_unread()) {
      const net::Event e = conn_.expect_nothing(Millis(s.millis));
      switch (e.kind) {
        case net::Event::Kind::timeout: return judged(s, Observation::timeout(), s.expect);
        case net::Event::Kind::closed: return judged(s, Observation::closed(), s.expect);
        case net::Event::Kind::error: return judged(s, Observation::network_error(e.what), s.expect);
        case net::Event::Kind::data: break;  // fed to the reply parser: read the reply below
      }
    }
    return judged(s, conn_.read_reply(timeout_), s.expect);
  }
  if (conn_.has_unread()) return built_in(Verdict::fail, level_, "the server sent data (expected silence)", pattern, "data");
  const net::Event e = conn_.expect_nothing(Millis(s.millis));
  switch (e.kind) {
    case net::Event::Kind::timeout: return built_in(Verdict::pass, Severity::none, "nothing arrived", pattern, "nothing");
    case net::Event::Kind::data:
      return built_in(Verdict::fail, level_, "the server sent data (expected silence)", pattern, e.data);
    case net::Event::Kind::closed:
      return built_in(Verdict::fail, level_, "connection closed without a final reply (G3)", pattern, "connection closed");
    case net::Event::Kind::error:
      return built_in(Verdict::inconclusive, Severity::none, "network error: " + e.what, pattern, "network error");
  }
  return error("silent: unknown event");
}

StepOutcome Interpreter::check(const Step& s) {
  ConditionContext ctx;
  ctx.capabilities = caps_ ? &*caps_ : nullptr;
  ctx.tls = conn_.is_tls();
  ctx.long_reply_line = conn_.long_reply_line_seen();
  ctx.expand = [this](std::string_view operand) { return expand_text(std::string(operand)); };
  StepOutcome o;
  o.judgement = judge_check(s.expect, ctx, level_);
  o.expected = expectations(s.expect, {});
  o.observed = o.judgement.matched ? "condition `" + s.expect[*o.judgement.matched].condition + "` holds"
                                   : "no condition holds";
  o.explicit_alternatives = true;
  return o;
}

StepOutcome Interpreter::run_step(const Step& s) {
  const bool needs_connection = s.kind != Step::Kind::connect && s.kind != Step::Kind::reconnect &&
                                s.kind != Step::Kind::wait && s.kind != Step::Kind::check;
  if (needs_connection && !conn_.is_open()) return error("no open connection (a `connect` step is missing)");
  switch (s.kind) {
    case Step::Kind::connect: return connect(s);
    case Step::Kind::ehlo: return ehlo(s, true);
    case Step::Kind::ehlo_clear: return ehlo(s, false);
    case Step::Kind::helo: return helo(s);
    case Step::Kind::starttls: return starttls(s);
    case Step::Kind::send: return send(s, true);
    case Step::Kind::send_raw: return send(s, false);
    case Step::Kind::read: return judged(s, conn_.read_reply(timeout_), s.expect);
    case Step::Kind::auth: return auth(s);
    case Step::Kind::alive: return alive(s);
    case Step::Kind::closed: return closed(s);
    case Step::Kind::silent: return silent(s);
    case Step::Kind::quit: return judged(s, exchange("QUIT"), only_code("221", "221 to QUIT"));
    case Step::Kind::reconnect: {
      conn_.close();
      caps_.reset();
      StepOutcome o;
      o.judged = false;
      return o;
    }
    case Step::Kind::wait: {
      // More than kMaxWaitMs only in `needs optional` cases (as the parser checks).
      const bool optional_case = std::any_of(case_.needs.begin(), case_.needs.end(),
                                             [](const Need& n) { return !n.negated && n.what == "optional"; });
      const Millis pause(std::min(s.millis, optional_case ? kMaxOptionalWaitMs : kMaxWaitMs));
      if (options_.sleep) options_.sleep(pause);
      else std::this_thread::sleep_for(pause);
      // With virtual time (in-process) the pause reaches the server only this way (LIM-04).
      conn_.idle(pause);
      StepOutcome o;
      o.judged = false;
      return o;
    }
    case Step::Kind::check: return check(s);
    case Step::Kind::repeat: return error("a repeat block is run by run_steps, not as one step");
    case Step::Kind::handshake: {
      // After a 220 to a STARTTLS written with send / send-raw (README: a failed handshake
      // fails the case, unless an `expect closed` line says a close is the right outcome).
      const bool close_expected = std::any_of(s.expect.begin(), s.expect.end(), [](const Alternative& a) {
        return a.kind == Alternative::Kind::closed;
      });
      if (s.tls_versions.pinned() && !conn_.can_pin_tls_versions())
        return error("this connection cannot pin TLS versions (handshake min= / max=)");
      if (close_expected && !conn_.has_unread()) {
        // A server that ends the handshake, by a close or a fatal alert (a refused version,
        // TLS-14), is judged by the `expect closed` line.
        const net::Event e = conn_.start_tls(timeout_, s.tls_versions);
        caps_.reset();
        if (e.kind == net::Event::Kind::closed) return judged(s, Observation::closed(), s.expect);
        if (!e.is_ok())
          return built_in(e.kind == net::Event::Kind::timeout ? Verdict::timeout : Verdict::fail,
                          e.kind == net::Event::Kind::timeout ? Severity::none : level_, "TLS handshake failed: " + e.what,
                          "220 then TLS");
      } else if (auto failed = handshake(Verdict::fail, s.tls_versions)) {
        return std::move(*failed);
      }
      return built_in(Verdict::pass, Severity::none, "TLS established", "TLS handshake",
                      "TLS established: " + conn_.tls_description());
    }
  }
  return error("unknown step");
}

bool Interpreter::run_steps(const std::vector<Step>& steps, unsigned round, unsigned rounds) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (s.kind == Step::Kind::repeat) {
      // The parser keeps blocks flat (no repeat in a body) and count within kMaxRepeatRounds.
      for (unsigned n = 1; n <= s.count && n <= kMaxRepeatRounds; ++n)
        if (run_steps(s.body, n, s.count)) return true;
      continue;
    }
    // A send with no expect lines followed by `silent` reads no reply: the silence is what
    // is judged (scenarios/README.md, "send … then silent").
    const bool sent_then_silent = (s.kind == Step::Kind::send || s.kind == Step::Kind::send_raw) &&
                                  s.expect.empty() && i + 1 < steps.size() && steps[i + 1].kind == Step::Kind::silent;
    StepOutcome o = sent_then_silent ? send_only(s) : run_step(s);
    if (!o.judged) continue;
    const Judgement& j = o.judgement;
    const bool replace =
        !deciding_ || worse(deciding_->judgement.verdict, deciding_->judgement.severity, j.verdict, j.severity) ||
        (!worse(j.verdict, j.severity, deciding_->judgement.verdict, deciding_->judgement.severity) &&
         o.explicit_alternatives && !deciding_->explicit_alternatives);
    const bool stop = stops_case(j.verdict);
    if (replace) {
      deciding_ = std::move(o);
      deciding_step_ = &s;
      deciding_round_ = round == 0 ? std::string()
                                   : "round " + std::to_string(round) + " of " + std::to_string(rounds) + ": ";
    }
    if (stop) return true;
  }
  return false;
}

CaseResult Interpreter::run() {
  CaseResult r;
  r.id = case_.id;
  r.title = case_.title;
  r.rfc = case_.rfc;
  r.requirements = case_.requirements;
  r.tags = case_.tags;
  r.mechanism = case_.mechanism;
  if (r.mechanism.empty()) {
    // The first auth step, in a repeat block or not.
    const Step* first_auth = nullptr;
    for (const Step& s : case_.steps) {
      if (s.kind == Step::Kind::auth) first_auth = &s;
      for (const Step& b : s.body)
        if (!first_auth && b.kind == Step::Kind::auth) first_auth = &b;
      if (first_auth) break;
    }
    if (first_auth) {
      auto m = expand_text(first_auth->auth.mechanism);
      r.mechanism = m.ok() ? m.value() : first_auth->auth.mechanism;
    }
  }

  if (!options_.expand) deciding_ = error("no template expander configured");
  else run_steps(case_.steps, 0, 0);
  conn_.close();
  std::optional<StepOutcome>& deciding = deciding_;
  const Step* deciding_step = deciding_step_;
  if (!deciding) deciding = error("the case has no judged step");

  r.verdict = deciding->judgement.verdict;
  r.severity = r.verdict == Verdict::fail ? deciding->judgement.severity : Severity::none;
  r.expected = std::move(deciding->expected);
  r.observed = net::masked_bounded(deciding->observed, masker_);
  std::string reason = deciding->judgement.reason;
  if (deciding_step != nullptr)
    reason = "line " + std::to_string(deciding_step->at.line) + " " + std::string(step_name(deciding_step->kind)) +
             ": " + deciding_round_ + reason;
  r.reason = net::masked_bounded(reason, masker_);
  r.transcript = transcript_.take();
  r.duration_ms = std::chrono::duration_cast<Millis>(Clock::now() - start_).count();
  return r;
}

}  // namespace

Variables builtin_variables(const InterpreterOptions& o, const Case& c) {
  Variables v;
  v["user"] = o.credentials.user;
  v["password"] = o.credentials.password;
  v["user2"] = o.credentials.user2;
  v["password2"] = o.credentials.password2;
  v["nouser"] = o.credentials.nouser;
  v["token"] = o.credentials.token;
  v["host"] = o.host;
  v["domain"] = o.domain;
  if (!c.mechanism.empty()) v["mech"] = c.mechanism;
  return v;
}

CaseResult run_case(const Case& c, net::Connector& connector, const InterpreterOptions& options, Random& random) {
  return Interpreter(c, connector, options, random).run();
}

}  // namespace sah::scenario
