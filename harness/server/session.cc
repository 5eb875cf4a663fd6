// The session core: bytes in, lines out of the LineReader, one reply per command in order
// (RFC 2920 §3.1), the reply writer, and the one function that changes state.
#include "harness/server/session.h"

#include <algorithm>
#include <cassert>

#include "harness/server/faults.h"
#include "harness/server/session_impl.h"

namespace sah::server {

std::string_view to_string(Phase p) {
  switch (p) {
    case Phase::command: return "command";
    case Phase::auth_exchange: return "auth-exchange";
    case Phase::auth_success_ack: return "auth-success-ack";
    case Phase::auth_extra_ack: return "auth-extra-ack";
    case Phase::data: return "data";
    case Phase::chunk: return "chunk";
    case Phase::tls_pending: return "tls-pending";
    case Phase::closed: return "closed";
    case Phase::hung: return "hung";
  }
  return "?";
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lo = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lo(a[i]) != lo(b[i])) return false;
  }
  return true;
}

std::string upper(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return r;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

namespace {

// The reader must hold the longest line any state accepts: AUTH lines and responses (RFC 4954 §4,
// 12288 octets), MAIL with AUTH= (RFC 4954 §3 item 5: +500), DATA text (RFC 5321 §4.5.3.1.6).
// Longer lines are cut by the reader and reported too_long, so memory stays bounded.
smtp::LineReader::Options reader_options(const Config& c) {
  smtp::LineReader::Options o;
  o.max_line = std::max({c.limits.max_auth_line, c.limits.max_command_line + 500, c.limits.max_text_line});
  o.accept_bare_lf = c.faults.count("bare-lf-line-end") != 0 || c.faults.count("bare-lf-crash") != 0;
  return o;
}

constexpr std::size_t kTraceMax = 64;

}  // namespace

Session::Impl::Impl(const Config& c, Random& r) : config(c), random(r), reader(reader_options(c)) {}

bool Session::Impl::fault(std::string_view name) const {
  // Every name the session asks for must be in the table (a typo would silently never fire).
  assert(find_fault(name) != nullptr);
  // A scan of the switches that are on (none or a few) instead of set::count, which would build a
  // std::string per query: the session asks several times per command and per reply.
  return std::any_of(config.faults.begin(), config.faults.end(), [name](const std::string& f) { return f == name; });
}

void Session::Impl::transition(State next, std::string_view why) {
  if (trace.size() == kTraceMax) trace.erase(trace.begin());
  std::string entry(to_string(state.phase));
  entry += " -> ";
  entry += to_string(next.phase);
  entry += ": ";
  entry += why;
  trace.push_back(std::move(entry));
  state = std::move(next);
}

void Session::Impl::raw(std::string_view line) {
  out += line;
  out += fault("reply-bare-lf") ? "\n" : "\r\n";
}

namespace {

// The three digits of a reply code (100..999), appended without a temporary string.
void append_code(Bytes& out, int code) {
  const char digits[3] = {static_cast<char>('0' + code / 100 % 10), static_cast<char>('0' + code / 10 % 10),
                          static_cast<char>('0' + code % 10)};
  out.append(digits, 3);
}

}  // namespace

// Replies are written straight into `out` (no string per line): the session answers every line.
void Session::Impl::reply(int code, std::string_view enhanced, std::string_view text) {
  const std::size_t start = out.size();
  append_code(out, code);
  out += ' ';
  if (!enhanced.empty() && !fault("no-enhanced-codes")) {
    if (fault("enhanced-code-malformed") && enhanced.size() >= 2) {
      // "5.7.8" -> "5.07.8": a leading zero in the subject (RFC 3463 §2 forbids it).
      out += enhanced.substr(0, 2);
      out += '0';
      out += enhanced.substr(2);
    } else {
      out += enhanced;
    }
    out += ' ';
  }
  out += text;
  // RFC 5321 §4.5.3.1.5: a reply line fits in 512 octets with CRLF (RPL-05); the fault pads
  // the refusal of bad credentials past it.
  const std::size_t length = out.size() - start;
  if (code == 535 && fault("reply-line-over-512") && length < 598) out.append(598 - length, '.');
  out += fault("reply-bare-lf") ? "\n" : "\r\n";
}

void Session::Impl::reply_lines(int code, const std::vector<std::string>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const bool last = i + 1 == lines.size();
    int c = code;
    if (last && fault("multiline-mixed-codes")) c = 252;
    append_code(out, c);
    out += last ? ' ' : '-';
    raw(lines[i]);
  }
}

void Session::Impl::close_with(int code, std::string_view enhanced, std::string_view text) {
  reply(code, enhanced, text);
  State next = state;
  next.phase = Phase::closed;
  transition(next, text);
  exchange.reset();
  action = Action::close;
}

void Session::Impl::bad_command(int code, std::string_view enhanced, std::string_view text) {
  reply(code, enhanced, text);
  ++bad_commands;
  if (bad_commands >= config.limits.max_bad_commands) {
    close_with(421, "4.7.0", config.hostname + " Too many errors, closing connection");
  }
}

void Session::Impl::reset_reader() {
  reader = smtp::LineReader(reader_options(config));
  input_dropped = true;
}

void Session::Impl::process_lines() {
  while (started && (state.phase != Phase::closed && state.phase != Phase::hung &&
                     state.phase != Phase::tls_pending && state.phase != Phase::chunk)) {
    std::optional<smtp::Line> line = reader.next();
    if (!line) return;
    ++lines_handled;
    handle_line(*line);
  }
}

void Session::Impl::handle_line(const smtp::Line& line) {
  switch (state.phase) {
    case Phase::command: handle_command(line); return;
    case Phase::auth_exchange:
    case Phase::auth_success_ack:
    case Phase::auth_extra_ack: auth_line(line); return;
    case Phase::data: data_line(line); return;
    case Phase::chunk:
    case Phase::tls_pending:
    case Phase::closed:
    case Phase::hung: return;
  }
}

namespace {

bool invalid_octet(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u >= 0x7F;
}

}  // namespace

void Session::Impl::handle_command(const smtp::Line& line) {
  std::string_view text = line.text;  // a copy only when the fault rewrites it
  std::string stripped;
  if (fault("invalid-octets-stripped")) {
    stripped = line.text;
    std::erase_if(stripped, [](char c) { return invalid_octet(c) && c != '\t'; });
    text = stripped;
  }
  // The verb: letters up to the first separator.
  std::size_t v = 0;
  while (v < text.size() && ((text[v] >= 'A' && text[v] <= 'Z') || (text[v] >= 'a' && text[v] <= 'z'))) ++v;
  std::string verb(text.substr(0, v));
  if (fault("verb-case-sensitive") && verb != upper(verb)) verb = "?" + verb;  // not recognised
  const std::string up = upper(verb);

  if (fault("bare-lf-crash") && line.bare_lf) {
    action = Action::crash;
    State next = state;
    next.phase = Phase::hung;
    transition(next, "fault bare-lf-crash");
    return;
  }
  if (fault("long-line-crash") && up == "AUTH" && (line.too_long || text.size() > 4096)) {
    action = Action::crash;
    State next = state;
    next.phase = Phase::hung;
    transition(next, "fault long-line-crash");
    return;
  }
  // RFC 5321 §4.5.3.1.4 (512 octets with CRLF), RFC 4954 §3 item 5 (MAIL +500) and §4 (AUTH
  // lines up to 12288 octets): 500 5.5.6 "line too long" (RFC 4954 §6).
  const std::size_t command_max = config.limits.max_command_line > 2 ? config.limits.max_command_line - 2 : 0;
  std::size_t limit = command_max;
  if (up == "AUTH") limit = fault("auth-line-limit-too-small") ? 255 : config.limits.max_auth_line;
  if (up == "MAIL") limit = command_max + 500;
  if (line.too_long || text.size() > limit) {
    bad_command(500, "5.5.6", "Line too long");
    return;
  }
  // RFC 5321 §2.4: commands are US-ASCII; NUL, controls and 8-bit octets are refused (SYN-15).
  if (std::any_of(text.begin(), text.end(), [](char c) { return invalid_octet(c) && c != '\t'; })) {
    bad_command(500, "5.5.2", "Invalid characters in command");
    return;
  }
  if (v == 0) {
    bad_command(500, "5.5.1", "Command unrecognized");
    return;
  }
  static constexpr std::string_view kKnown[] = {"EHLO", "HELO", "AUTH", "MAIL", "RCPT", "DATA", "RSET",
                                                "NOOP", "QUIT", "VRFY", "EXPN", "HELP", "STARTTLS", "BDAT"};
  const bool known = std::find(std::begin(kKnown), std::end(kKnown), up) != std::end(kKnown);
  if (!known) {
    bad_command(500, "5.5.1", "Command unrecognized");
    return;
  }
  // RFC 4954 §8: single SPs between the fields of AUTH (SYN-07); the fault crashes on a TAB or
  // on two SPs in a row there, as a tokenizer that meets an empty field might.
  if (up == "AUTH" && fault("auth-blank-crash") &&
      (text.find('\t') != std::string_view::npos || text.find("  ") != std::string_view::npos)) {
    action = Action::crash;
    State next = state;
    next.phase = Phase::hung;
    transition(next, "fault auth-blank-crash");
    return;
  }
  // RFC 5321 §4.1.1 lets a server tolerate trailing white space, RFC 4954 §4 refuse it (SYN-08);
  // the fault crashes on it, as a tokenizer that reads a field past the last blank might.
  if (up == "AUTH" && fault("auth-trailing-blank-crash") && (text.back() == ' ' || text.back() == '\t')) {
    action = Action::crash;
    State next = state;
    next.phase = Phase::hung;
    transition(next, "fault auth-trailing-blank-crash");
    return;
  }
  // Exactly one SP between the verb and its arguments (RFC 5321 §4.1.1, SYN-07); auth-syntax-lax
  // takes any blank.
  std::string_view args;
  bool has_args = false;
  if (v < text.size()) {
    if (text[v] != ' ' && !(up == "AUTH" && text[v] == '\t' && fault("auth-syntax-lax"))) {
      bad_command(501, "5.5.4", "Syntax error in parameters");
      return;
    }
    has_args = true;
    args = std::string_view(text).substr(v + 1);
  }

  if (up == "EHLO") return cmd_ehlo(has_args ? args : std::string_view{});
  if (up == "HELO") return cmd_helo(has_args ? args : std::string_view{});
  if (up == "AUTH") {
    if (!has_args && !fault("auth-syntax-lax")) {
      bad_command(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
      return;
    }
    return cmd_auth(args);
  }
  if (up == "MAIL") return cmd_mail(args, text.size());
  if (up == "RCPT") return cmd_rcpt(args);
  if (up == "DATA") return cmd_data(has_args);
  if (up == "NOOP") return cmd_noop();
  if (up == "RSET") return cmd_rset(has_args);
  if (up == "QUIT") return cmd_quit(has_args);
  if (up == "VRFY") return cmd_vrfy(has_args ? args : std::string_view{});
  if (up == "EXPN") return reply(502, "5.5.1", "EXPN not implemented");
  if (up == "HELP") return reply(214, "2.0.0", "See RFC 5321 and RFC 4954");
  if (up == "BDAT") return cmd_bdat(has_args ? args : std::string_view{});
  cmd_starttls(has_args);
}

// ---------------------------------------------------------------------------------------------

Session::Session(const Config& config, Random& random) : impl_(std::make_unique<Impl>(config, random)) {}
Session::~Session() = default;

void Session::start() {
  Impl& s = *impl_;
  if (s.started) return;
  s.started = true;
  // RFC 5321 §4.2, §3.1: the greeting carries no enhanced code (RFC 2034 §4 exempts it).
  s.raw("220 " + s.config.hostname + " ESMTP");
  s.process_lines();  // an early talker's lines (LIM-09) are answered after the greeting
}

void Session::receive(BytesView in) {
  Impl& s = *impl_;
  if (s.state.phase == Phase::closed || s.state.phase == Phase::hung || s.state.phase == Phase::tls_pending) {
    return;  // RFC 3207 §4.2: nothing from before the handshake is kept
  }
  if (!s.started) {
    (void)s.reader.feed(in);  // an early talker's lines wait for the greeting (LIM-09)
    return;
  }
  s.input_dropped = false;
  const bool before_first_line = s.lines_handled == 0;
  while (!in.empty() || s.state.phase == Phase::chunk) {
    if (s.state.phase == Phase::chunk) {
      in = s.chunk_octets(in);
      if (s.state.phase == Phase::chunk) return;  // the chunk needs more octets
      continue;
    }
    if (s.state.phase != Phase::command && s.state.phase != Phase::auth_exchange &&
        s.state.phase != Phase::auth_success_ack && s.state.phase != Phase::auth_extra_ack &&
        s.state.phase != Phase::data) {
      // Closed, hung or waiting for the handshake: the reader keeps the rest, unread, as it
      // would have had it all been fed at once (reset_reader() decides whether it survives).
      (void)s.reader.feed(in);
      return;
    }
    // One line at a time: the octets after a BDAT line are its chunk (RFC 3030 §2) and must
    // not reach the line reader.
    const std::size_t lf = in.find('\n');
    const std::size_t n = lf == BytesView::npos ? in.size() : lf + 1;
    (void)s.reader.feed(in.substr(0, n));
    in.remove_prefix(n);
    s.process_lines();
    // RFC 5321 §4.3.1 / LIM-09: a client that talks before the greeting sends its commands in
    // one go; the fault keeps only the first line of the read that brings the first command.
    if (before_first_line && s.lines_handled > 0 && s.fault("early-lines-dropped")) s.reset_reader();
    if (s.input_dropped) {
      // The reader was reset: what was pipelined behind that line in this read goes with it.
      s.input_dropped = false;
      return;
    }
  }
}

Bytes Session::take_output() {
  // A copy of exactly the output, not a swap: `out` keeps its capacity, so the next replies
  // are appended without growing it again from nothing.
  Bytes b(impl_->out);
  impl_->out.clear();
  return b;
}

Action Session::action() const {
  const Action a = impl_->action;
  if (a == Action::start_tls) impl_->action = Action::none;
  return a;
}

void Session::tls_established(sasl::ChannelBinding tls_server_end_point, sasl::ChannelBinding tls_exporter,
                              std::string client_identity) {
  Impl& s = *impl_;
  s.binding_end_point = std::move(tls_server_end_point);
  s.binding_exporter = std::move(tls_exporter);
  s.client_identity = std::move(client_identity);
  State next = s.state;
  next.tls = true;
  if (next.phase == Phase::tls_pending) next.phase = Phase::command;
  if (!s.fault("starttls-no-reset")) {
    // RFC 3207 §4.2: back to the state after the greeting; EHLO argument, transaction and
    // authentication from before TLS are forgotten (TLS-04, TLS-17).
    next.greeting = Greeting::none;
    next.authenticated = false;
    next.identity.clear();
    next.in_transaction = false;
    next.recipients = 0;
  }
  s.transition(next, "TLS established");
  if (s.action == Action::start_tls) s.action = Action::none;
  s.exchange.reset();
  s.process_lines();
}

namespace {

bool in_auth_exchange(Phase p) {
  return p == Phase::auth_exchange || p == Phase::auth_success_ack || p == Phase::auth_extra_ack;
}

}  // namespace

std::chrono::milliseconds Session::idle_limit() const {
  const Impl& s = *impl_;
  const auto configured = std::chrono::duration_cast<std::chrono::milliseconds>(s.config.limits.idle_timeout);
  if (in_auth_exchange(s.state.phase) && s.fault("idle-timeout-short")) return std::min(configured, kShortIdleTimeout);
  return configured;
}

void Session::idle_timeout() {
  Impl& s = *impl_;
  if (s.state.phase == Phase::closed || s.state.phase == Phase::hung) return;
  if (in_auth_exchange(s.state.phase) && s.fault("idle-timeout-short")) {
    // The fault: the connection is dropped without the 421 (RFC 5321 §4.2.2 wants one) and
    // before LIM-04's minute.
    State next = s.state;
    next.phase = Phase::closed;
    s.transition(next, "fault idle-timeout-short");
    s.exchange.reset();
    s.action = Action::close;
    return;
  }
  // RFC 5321 §4.5.3.2.7, §4.2.2: the server may close with 421 after its timeout.
  s.close_with(421, "4.4.2", s.config.hostname + " Timeout, closing connection");
}

void Session::connection_lost() {
  Impl& s = *impl_;
  if (s.state.phase == Phase::closed) return;
  // The fault keeps a trace of the abandoned exchange in the process, as a server that never
  // frees an exchange's resources would (LIM-06).
  if (in_auth_exchange(s.state.phase) && s.fault("abandoned-exchange-leak")) ++s.config.process.abandoned_exchanges;
  State next = s.state;
  next.phase = Phase::closed;
  s.transition(next, "connection lost");
  s.exchange.reset();
  s.action = Action::close;
}

bool Session::tls_active() const { return impl_->state.tls; }
bool Session::authenticated() const { return impl_->state.authenticated; }
std::string Session::authorized_identity() const { return impl_->state.identity; }

}  // namespace sah::server
