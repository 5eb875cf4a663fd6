// AUTH (RFC 4954 §4, §8): the command's checks, the initial response, and every later line of
// the exchange (responses, "*" cancel, the empty answer to success data), handed to the
// registry's ServerMechanism. What each Step leads to is in session_auth_outcome.cc.
#include <algorithm>

#include "harness/sasl/registry.h"
#include "harness/sasl/smtp_binding.h"
#include "harness/server/session_base64.h"
#include "harness/server/session_impl.h"

namespace sah::server {
namespace {

namespace binding = sasl::smtp_binding;

// RFC 4422 §3.1: sasl-mech = 1*20 (UPPER-ALPHA / DIGIT / "-" / "_"); any case is accepted
// (RFC 4954 §8).
bool valid_mech_name(std::string_view n) {
  if (n.empty() || n.size() > 20) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// Words separated by any run of SP and TAB (only under the auth-syntax-lax fault).
std::vector<std::string_view> split_blanks(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::vector<std::string_view> split_sp(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t sp = s.find(' ', start);
    if (sp == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, sp - start));
    start = sp + 1;
  }
}

bool all_nul(BytesView b) {
  return std::all_of(b.begin(), b.end(), [](char c) { return c == '\0'; });
}

}  // namespace

B64Leniency Session::Impl::leniency() const {
  B64Leniency l;
  l.skip_illegal = fault("b64-skip-illegal");
  l.accept_whitespace = fault("b64-accept-whitespace");
  l.accept_url_safe = fault("b64-accept-url-safe");
  l.accept_missing_padding = fault("b64-accept-missing-padding");
  l.accept_pad_in_middle = fault("b64-accept-pad-in-middle");
  l.accept_impossible_length = fault("b64-accept-impossible-length");
  l.pad_bits_misdecoded = fault("b64-pad-bits-misdecoded");
  return l;
}

void Session::Impl::cmd_auth(std::string_view args) {
  // RFC 4954 §4: 503 after a successful AUTH (ST-03), during a transaction (ST-06); AUTH is
  // an extension negotiated by EHLO (RFC 5321 §4.1.4, ST-01).
  // A 503 is a final reply to AUTH too, so the double-reply fault follows it as well.
  const auto refuse = [this](std::string_view text) {
    bad_command(503, "5.5.1", text);
    if (fault("double-reply")) reply(250, "2.0.0", "OK");
  };
  if (state.authenticated && !fault("auth-twice-allowed")) return refuse("Already authenticated");
  if (state.in_transaction && !fault("auth-in-transaction-allowed")) {
    return refuse("AUTH not permitted during a mail transaction");
  }
  // RFC 5321 §4.1.4: the transaction ends with the end of data or RSET, and AUTH is allowed
  // again (ST-07); the fault keeps refusing it once any MAIL was accepted.
  if (state.mail_seen && fault("auth-after-transaction-refused")) {
    return refuse("AUTH not permitted during a mail transaction");
  }
  if (state.greeting != Greeting::ehlo && !fault("auth-before-ehlo-allowed")) return refuse("Send EHLO first");
  // RFC 4954 §8: "AUTH" SP sasl-mech [SP initial-response], single spaces.
  std::vector<std::string_view> parts = split_sp(args);
  std::string guessed;
  if (fault("auth-syntax-lax")) {
    // A server that guesses instead of refusing: blanks of any kind and number separate, and a
    // missing or malformed mechanism name is taken as PLAIN.
    parts = split_blanks(args);
    if (parts.empty() || !valid_mech_name(parts[0]) || sasl::find_mechanism(parts[0]) == nullptr) {
      guessed = "PLAIN";
      if (parts.empty()) parts.emplace_back(guessed);
      else parts[0] = guessed;
    }
  }
  if (parts.size() > 2 && fault("trailing-args-ignored")) parts.resize(2);
  // RFC 4954 §8: initial-response = base64 / "="; "AUTH mech " (SP, then nothing) has neither and
  // is a syntax error (SYN-17); the fault reads it as "=".
  if (parts.size() == 2 && parts[1].empty() && fault("space-without-ir-is-empty")) {
    parts[1] = binding::kEmptyInitialResponse;
  }
  if (parts.size() > 2 || std::any_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); })) {
    return bad_command(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
  }
  const std::string_view mech_name = parts[0];
  if (!valid_mech_name(mech_name)) return bad_command(501, "5.5.4", "Invalid mechanism name");
  // The fault: exchanges abandoned on earlier connections have used up what the server needs
  // for AUTH, which now fails for everyone (LIM-06: the server must stay usable).
  if (fault("abandoned-exchange-leak") && config.process.abandoned_exchanges.load() >= kLeakedExchangesTolerated) {
    reply(454, "4.7.0", "Temporary authentication failure");
    return;
  }

  const sasl::MechanismInfo* info = sasl::find_mechanism(mech_name);
  if (info != nullptr && fault("mech-case-sensitive") && mech_name != info->name) info = nullptr;
  const auto offered = offered_mechanisms();
  const bool is_offered = info != nullptr && std::find(offered.begin(), offered.end(), info) != offered.end();
  if (!is_offered) {
    if (fault("unknown-mech-535")) {
      reply(535, "5.7.8", "Authentication credentials invalid");
      return;
    }
    // RFC 4954 §4, §6: a mechanism withheld for lack of TLS (TLS-07); else unsupported (SYN-04).
    if (info != nullptr && !state.tls && needs_tls_for_credentials(*info) && config.require_tls_for_plaintext) {
      reply(538, "5.7.11", "Encryption required for requested authentication mechanism");
      return;
    }
    reply(504, "5.5.4", "Unrecognized authentication type");
    return;
  }

  std::optional<std::string_view> ir_text;
  if (parts.size() == 2) ir_text = parts[1];
  if (ir_text && *ir_text == binding::kEmptyInitialResponse && fault("empty-initial-response-misread")) ir_text.reset();
  if (ir_text && fault("initial-response-ignored")) ir_text.reset();
  if (info->name == "DIGEST-MD5" && fault_trusts_digest_reauthentication(ir_text)) return;
  if (ir_text && !info->client_first) {
    // RFC 4954 §4: an initial response with a server-first mechanism is 501 5.7.0 (SYN-11).
    if (!fault("ir-with-server-first-accepted")) {
      reply(501, "5.7.0", "Initial response not allowed for this mechanism");
      return;
    }
    ir_text.reset();
  }

  // The exchange: options for the registry's server side.
  exchange.emplace();
  exchange->info = info;
  sasl::ServerOptions& o = exchange->options;
  o.lookup = [this](std::string_view user) -> const sasl::Account* {
    const sasl::Account* found = nullptr;
    for (const sasl::Account& a : config.accounts) {
      if (a.user == user) found = &a;
    }
    if (exchange) {
      exchange->last_user = std::string(user);
      exchange->last_user_found = found != nullptr;
    }
    return found;
  };
  o.realm = config.hostname;
  o.host = config.hostname;
  o.port = config.port;
  // RFC 7628 §3.2: the server knows its name (and port, when given), so it compares them (OB-07).
  o.oauth_host_port_unchecked = fault("oauthbearer-ignores-host-port");
  o.service = "smtp";
  o.channel_binding = !binding_exporter.type.empty() ? binding_exporter : binding_end_point;
  // RFC 5802 §6, RFC 9266 §3: the binding is this connection's; the fault hands the mechanism
  // data with one bit flipped, so a correct binding is refused (SCR-16).
  if (fault("scram-cb-data-wrong") && !o.channel_binding.data.empty()) {
    o.channel_binding.data[0] = static_cast<char>(o.channel_binding.data[0] ^ 0x01);
  }
  // RFC 5802 §6: "y" is a downgrade only when a -PLUS name is advertised (SCR-06); the fault
  // scram-y-flag-refused treats it as one even when none is (SCR-07).
  o.advertised_plus = fault("scram-y-flag-refused") ||
                      (!fault("scram-no-downgrade-check") &&
                       std::any_of(offered.begin(), offered.end(), [](const auto* m) { return m->needs_channel_binding; }));
  o.external_identity_present = !external_identity().empty() || fault("external-without-cert");
  o.external_identity = external_identity().empty() ? std::string("unverified") : external_identity();
  o.ntlm_accept_v1 = config.ntlm_accept_v1;
  // RFC 5802 §6: an unsupported or misplaced p= must fail the exchange (SCR-08).
  o.scram_cb_flag_unchecked = fault("scram-cb-flag-unchecked");
  // RFC 7677 §4: at least 4096 iterations (SCR-02); the fault sends 1024.
  o.scram_iterations = fault("scram-low-iterations") ? 1024 : config.scram_iterations;
  o.random = &random;
  const bool static_nonce = (fault("cram-static-challenge") && info->name == "CRAM-MD5") ||
                            (fault("static-server-nonces") &&
                             (info->name == "DIGEST-MD5" || is_scram(info->name) || info->name == "NTLM"));
  if (static_nonce) {
    exchange->fixed_random = std::make_unique<SeededRandom>(0);
    o.random = exchange->fixed_random.get();
  }
  exchange->mech = info->make_server(o);
  if (!exchange->mech) {
    exchange.reset();
    reply(454, "4.7.0", "Temporary authentication failure");
    return;
  }

  std::optional<Bytes> initial;
  if (ir_text) {
    Result<Bytes, codec::B64Failure> decoded =
        *ir_text == binding::kEmptyInitialResponse ? Result<Bytes, codec::B64Failure>(Bytes{})
                                                   : decode_client_base64(*ir_text, leniency());
    if (!decoded) {
      // RFC 4954 §4: undecodable Base64 is 501 5.5.2 (B64-02, CONT-04).
      exchange.reset();
      if (fault("b64-wrong-code")) {
        reply(535, "5.7.8", "Authentication credentials invalid");
      } else {
        reply(501, "5.5.2", "Invalid Base64 data");
      }
      return;
    }
    initial = std::move(decoded).value();
    if (fault("crash-on-binary-response") && initial->size() >= 1024 && all_nul(*initial)) {
      action = Action::crash;
      State next = state;
      next.phase = Phase::hung;
      transition(next, "fault crash-on-binary-response");
      return;
    }
    if (fault_refuses_client_message(*initial)) return;
    initial = fault_rewrites_client_message(std::move(*initial));
    exchange->last_response = *initial;
    exchange->responses = 1;
  }
  State next = state;
  next.phase = Phase::auth_exchange;
  transition(next, "AUTH started");
  auth_step_result(exchange->mech->start(initial));
}

void Session::Impl::auth_line(const smtp::Line& line) {
  const std::string& text = line.text;
  if (fault("long-line-crash") && (line.too_long || text.size() > 4096)) {
    action = Action::crash;
    State next = state;
    next.phase = Phase::hung;
    transition(next, "fault long-line-crash");
    return;
  }
  if (line.too_long || text.size() > config.limits.max_auth_line) {
    // RFC 4954 §4, §6: 500 5.5.6 for a line longer than the server can take (LIM-02).
    if (fault("long-line-no-reply")) {
      end_exchange(state, "line too long, no reply");
      return;
    }
    auth_failed(500, "5.5.6", "Authentication exchange line is too long", false);
    return;
  }
  if (state.phase == Phase::auth_extra_ack) {
    auth_succeeded(exchange->pending_identity);
    return;
  }
  if (text == binding::kCancel) {
    // RFC 4954 §4: "*" cancels the exchange and the server replies 501 (CONT-02).
    if (fault("cancel-ignored") && state.phase == Phase::auth_exchange) {
      send_challenge(Bytes(exchange->last_challenge));
      return;
    }
    if (fault("cancel-wrong-code")) {
      auth_failed(535, "5.7.8", "Authentication credentials invalid", false);
      return;
    }
    auth_failed(501, "5.0.0", "Authentication cancelled", false);
    return;
  }
  if (state.phase == Phase::auth_success_ack) {
    // RFC 4422 §5 (2b): the answer to the success-data challenge is empty (CONT-09).
    if (text.empty()) {
      auth_succeeded(exchange->pending_identity);
    } else {
      auth_failed(501, "5.5.2", "Expected an empty response", false);
    }
    return;
  }
  if (fault("commands-in-exchange")) {
    const std::string up = upper(text.substr(0, text.find(' ')));
    if (up == "NOOP" || up == "RSET" || up == "QUIT") {
      end_exchange(state, "command inside an exchange");
      handle_command(line);
      return;
    }
  }
  Bytes data;
  if (text.empty()) {
    // RFC 4954 §8: an empty line is an empty response, not an empty command (CONT-05).
    if (fault("empty-response-is-command")) {
      end_exchange(state, "empty line taken as a command");
      bad_command(500, "5.5.2", "Empty command");
      return;
    }
  } else {
    auto decoded = decode_client_base64(text, leniency());
    if (!decoded) {
      // RFC 4954 §4 (B64-03, CONT-06: "=" is not valid later).
      if (fault("b64-wrong-code")) {
        auth_failed(535, "5.7.8", "Authentication credentials invalid", false);
      } else {
        auth_failed(501, "5.5.2", "Invalid Base64 data", false);
      }
      return;
    }
    data = std::move(decoded).value();
  }
  if (fault("crash-on-binary-response") && data.size() >= 1024 && all_nul(data)) {
    action = Action::crash;
    State next = state;
    next.phase = Phase::hung;
    transition(next, "fault crash-on-binary-response");
    return;
  }
  if (fault_refuses_client_message(data)) return;
  data = fault_rewrites_client_message(std::move(data));
  exchange->last_response = data;
  ++exchange->responses;
  auth_step_result(exchange->mech->step(data));
}

}  // namespace sah::server
